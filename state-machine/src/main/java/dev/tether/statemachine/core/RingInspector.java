package dev.tether.statemachine.core;

import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.NodeState;
import dev.tether.proto.internal.RingMeta;
import dev.tether.proto.internal.SessionRecord;
import dev.tether.ring.Placement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Read access to a ring group's applied state for leader duties (which nodes owe a rehome, which
 * sessions are idle) and for invariant checks. Same thread rules as {@link RingCore}.
 */
public final class RingInspector {
  private final RingState state;
  private final SessionCommands sessions;

  RingInspector(RingState state, SessionCommands sessions) {
    this.state = state;
    this.sessions = sessions;
  }

  /** Every node record with its current session count. */
  public List<NodeRecord> nodes() {
    List<NodeRecord> out = new ArrayList<>();
    for (NodeEntry n : state.nodes()) {
      out.add(n.toRecord());
    }
    return out;
  }

  /** One node's record with its session count, or {@code null}. */
  public NodeRecord node(String id) {
    NodeEntry n = state.node(id);
    return n == null ? null : n.toRecord();
  }

  /** The ring's meta record, or {@code null} before InitRing. */
  public RingMeta meta() {
    return state.initialized() ? state.meta().build() : null;
  }

  /** The current placement (immutable). */
  public Placement placement() {
    return state.placement();
  }

  /** True when the node's sessions are due to move at leader time {@code now}. */
  public boolean owesRehome(String nodeId, long now) {
    NodeEntry n = state.node(nodeId);
    return n != null && n.sessions > 0 && n.owesRehome(now);
  }

  /**
   * Scans up to {@code scanLimit} sessions after {@code after} (exclusive; empty to start) and adds
   * the idle ones at leader time {@code now} to {@code idle}. Returns the last session id scanned,
   * or empty when the scan reached the end.
   */
  public String scanIdle(String after, int scanLimit, long now, List<String> idle) {
    byte[] from = after.isEmpty() ? new byte[0] : successor(Keys.bytes(after));
    List<KvStore.Entry> page = storeScan(from, scanLimit);
    for (KvStore.Entry e : page) {
      String id = Keys.string(e.key());
      if (sessions.isIdle(sessions.get(id), now)) {
        idle.add(id);
      }
    }
    return page.size() < scanLimit ? "" : Keys.string(page.get(page.size() - 1).key());
  }

  /**
   * Checks every invariant of the applied state by scanning the whole store: each session's owner
   * exists; per-node counts equal the sessions owned; the owner index matches the sessions; tokens
   * and the epoch are at most {@code appliedIndex}; the session total matches.
   *
   * @throws InvariantViolation on the first broken invariant
   */
  public void checkInvariants(long appliedIndex) {
    if (!state.initialized()) {
      return;
    }
    RingMeta meta = state.meta().build();
    InvariantViolation.check(
        meta.getEpoch() <= appliedIndex,
        "epoch %d after applied index %d",
        meta.getEpoch(),
        appliedIndex);
    Map<String, Long> owned = new HashMap<>();
    long total = 0;
    for (KvStore.Entry e : storeScan(new byte[0], Integer.MAX_VALUE)) {
      String id = Keys.string(e.key());
      SessionRecord s = sessions.get(id);
      NodeEntry owner = state.node(s.getOwner());
      InvariantViolation.check(
          owner != null, "session %s owned by unknown node %s", id, s.getOwner());
      InvariantViolation.check(
          s.getFencingToken() > 0 && s.getFencingToken() <= appliedIndex,
          "session %s has token %d at applied index %d",
          id,
          s.getFencingToken(),
          appliedIndex);
      owned.merge(s.getOwner(), 1L, Long::sum);
      total++;
    }
    long indexed = 0;
    for (NodeEntry n : state.nodes()) {
      long count = owned.getOrDefault(n.id(), 0L);
      InvariantViolation.check(
          n.sessions == count, "node %s counts %d sessions but owns %d", n.id(), n.sessions, count);
      InvariantViolation.check(
          n.state() != NodeState.NODE_STATE_LEFT || count > 0,
          "LEFT node %s kept with no sessions",
          n.id());
      byte[] prefix = Keys.ownerPrefix(n.id());
      indexed += sessionsStore().scan(Table.OWNER_INDEX, prefix, prefix, Integer.MAX_VALUE).size();
    }
    InvariantViolation.check(
        indexed == total, "owner index holds %d entries for %d sessions", indexed, total);
    InvariantViolation.check(
        meta.getSessionCount() == total,
        "meta counts %d sessions, store holds %d",
        meta.getSessionCount(),
        total);
    for (int i = 0; i < state.placement().membership().size(); i++) {
      NodeEntry n = state.node(state.placement().membership().id(i));
      InvariantViolation.check(
          n != null && n.inPlacement(),
          "placement member %s may not own new sessions",
          state.placement().membership().id(i));
    }
  }

  private List<KvStore.Entry> storeScan(byte[] from, int limit) {
    return sessionsStore().scan(Table.SESSIONS, new byte[0], from, limit);
  }

  private KvStore sessionsStore() {
    return sessions.store();
  }

  private static byte[] successor(byte[] key) {
    return java.util.Arrays.copyOf(key, key.length + 1);
  }
}
