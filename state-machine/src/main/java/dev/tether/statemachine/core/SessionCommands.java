package dev.tether.statemachine.core;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tether.proto.internal.CloseSession;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.ExpireResult;
import dev.tether.proto.internal.ExpireSessions;
import dev.tether.proto.internal.MigrationReason;
import dev.tether.proto.internal.NodeState;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.PutState;
import dev.tether.proto.internal.Rehome;
import dev.tether.proto.internal.RehomeResult;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.SessionRecord;
import dev.tether.proto.internal.SessionResult;
import dev.tether.proto.internal.TouchResult;
import dev.tether.proto.internal.TouchSessions;
import dev.tether.ring.BoundedLoad;
import dev.tether.ring.SessionHash;
import java.util.List;

/** The session commands of a ring group: one method per command. */
final class SessionCommands {
  private final RingState state;
  private final KvStore store;
  private final NodeCommands nodes;
  private final boolean skipFencing;

  SessionCommands(RingState state, KvStore store, NodeCommands nodes, boolean skipFencing) {
    this.state = state;
    this.store = store;
    this.nodes = nodes;
    this.skipFencing = skipFencing;
  }

  Result.Builder open(OpenSession cmd, ApplyContext ctx) {
    NodeCommands.check(
        () -> {
          Validate.sessionId("open_session.session_id", cmd.getSessionId());
          Validate.range(
              "open_session.ttl_ms",
              cmd.getTtlMs(),
              0,
              Limits.SESSION_TTL_MS_MAX,
              "SESSION_TTL_MS_MAX");
          if (!cmd.getHintNode().isEmpty()) {
            Validate.nodeId("open_session.hint_node", cmd.getHintNode());
          }
        });
    String id = cmd.getSessionId();
    SessionRecord existing = get(id);
    if (existing != null) {
      SessionRecord.Builder b = existing.toBuilder().setTouchedMs(ctx.now());
      if (cmd.getTtlMs() != 0) {
        b.setTtlMs(cmd.getTtlMs());
      }
      NodeEntry owner = state.node(existing.getOwner());
      if (owner.owesRehome(ctx.now())) {
        if (existing.getFencingToken() == ctx.index()) {
          // A token names one owner: the session got its owner in this very entry.
          throw new Rejection(
              ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
              "session " + id + " changed owner in this log entry; retry");
        }
        // Reopening a session whose owner is gone moves it now rather than at the next rehome.
        BoundedLoad.Choice choice = requireChoice(id, true);
        SessionRecord moved = move(id, b, owner, choice, reasonFor(owner), ctx);
        return sessionResult(id, moved, false, choice.probes() - 1);
      }
      SessionRecord touched = b.build();
      put(id, touched);
      return sessionResult(id, touched, false, 0);
    }
    if (state.meta().getSessionCount() >= Limits.SESSIONS_PER_RING_MAX) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_RING_FULL,
          "ring holds "
              + state.meta().getSessionCount()
              + " sessions, limit SESSIONS_PER_RING_MAX is "
              + Limits.SESSIONS_PER_RING_MAX);
    }
    NodeEntry hint = cmd.getHintNode().isEmpty() ? null : state.node(cmd.getHintNode());
    NodeEntry owner;
    int probes;
    MigrationReason reason = MigrationReason.MIGRATION_REASON_UNSPECIFIED;
    if (hint != null
        && hint.state() == NodeState.NODE_STATE_ACTIVE
        && hint.sessions < state.capOf(hint.id())) {
      owner = hint;
      probes = 0;
      reason = MigrationReason.MIGRATION_REASON_HINT;
    } else {
      BoundedLoad.Choice choice = requireChoice(id, false);
      owner = state.node(state.placement().membership().id(choice.memberIndex()));
      probes = choice.probes() - 1;
      checkCap(owner);
    }
    SessionRecord created =
        SessionRecord.newBuilder()
            .setOwner(owner.id())
            .setFencingToken(ctx.index())
            .setCreatedMs(ctx.now())
            .setTouchedMs(ctx.now())
            .setTtlMs(cmd.getTtlMs())
            .setReason(reason)
            .build();
    put(id, created);
    store.put(Table.OWNER_INDEX, Keys.ownerKey(owner.id(), id), new byte[0]);
    state.addSessions(owner, 1);
    ctx.events().add(new Event.SessionChanged(id, created, "", reason, false));
    return sessionResult(id, created, true, probes);
  }

  Result.Builder close(CloseSession cmd, ApplyContext ctx) {
    NodeCommands.check(() -> Validate.sessionId("close_session.session_id", cmd.getSessionId()));
    String id = cmd.getSessionId();
    SessionRecord s = existing(id);
    if (!skipFencing
        && cmd.getFencingToken() != 0
        && cmd.getFencingToken() != s.getFencingToken()) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_STALE_FENCING_TOKEN,
          "close_session.fencing_token "
              + cmd.getFencingToken()
              + " is not the current token "
              + s.getFencingToken());
    }
    delete(id, s, ctx, false);
    return sessionResult(id, s, false, 0);
  }

  Result.Builder touch(TouchSessions cmd, ApplyContext ctx) {
    NodeCommands.check(
        () -> {
          checkIdCount("touch_sessions.session_ids", cmd.getSessionIdsCount());
          for (String id : cmd.getSessionIdsList()) {
            Validate.sessionId("touch_sessions.session_ids", id);
          }
        });
    TouchResult.Builder r = TouchResult.newBuilder();
    for (String id : cmd.getSessionIdsList()) {
      SessionRecord s = get(id);
      if (s == null) {
        r.addNotFound(id);
      } else {
        put(id, s.toBuilder().setTouchedMs(ctx.now()).build());
        r.setTouched(r.getTouched() + 1);
      }
    }
    return Result.newBuilder().setTouch(r);
  }

  Result.Builder putState(PutState cmd, ApplyContext ctx) {
    NodeCommands.check(() -> Validate.sessionId("put_state.session_id", cmd.getSessionId()));
    String id = cmd.getSessionId();
    long limit = state.meta().getPolicy().getStateBytesMax();
    if (cmd.getData().size() > limit) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_LIMIT_EXCEEDED,
          "put_state.data is "
              + cmd.getData().size()
              + " bytes, the ring's state_bytes_max is "
              + limit);
    }
    SessionRecord s = existing(id);
    if (!skipFencing && cmd.getFencingToken() != s.getFencingToken()) {

      throw new Rejection(
          ErrorCode.ERROR_CODE_STALE_FENCING_TOKEN,
          "put_state.fencing_token "
              + cmd.getFencingToken()
              + " is not the current token "
              + s.getFencingToken());
    }
    if (cmd.getExpectedVersion() != s.getStateVersion()) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_VERSION_MISMATCH,
          "put_state.expected_version "
              + cmd.getExpectedVersion()
              + " is not the current version "
              + s.getStateVersion());
    }
    SessionRecord updated =
        s.toBuilder()
            .setStateVersion(s.getStateVersion() + 1)
            .setStateBytes(cmd.getData().size())
            .setTouchedMs(ctx.now())
            .build();
    put(id, updated);
    store.put(Table.STATE, Keys.bytes(id), cmd.getData().toByteArray());
    return sessionResult(id, updated, false, 0);
  }

  Result.Builder expire(ExpireSessions cmd, ApplyContext ctx) {
    ctx.requireIssuerTerm(cmd.getIssuerTerm(), "expire_sessions");
    NodeCommands.check(() -> checkIdCount("expire_sessions.session_ids", cmd.getSessionIdsCount()));
    int expired = 0;
    for (String id : cmd.getSessionIdsList()) {
      SessionRecord s = get(id);
      if (s != null && isIdle(s, ctx.now())) {
        delete(id, s, ctx, true);
        expired++;
      }
    }
    return Result.newBuilder().setExpire(ExpireResult.newBuilder().setExpired(expired));
  }

  Result.Builder rehome(Rehome cmd, ApplyContext ctx) {
    ctx.requireIssuerTerm(cmd.getIssuerTerm(), "rehome");
    NodeCommands.check(
        () -> {
          Validate.nodeId("rehome.node_id", cmd.getNodeId());
          Validate.range(
              "rehome.max_sessions",
              cmd.getMaxSessions(),
              1,
              Limits.REHOME_BATCH_MAX,
              "REHOME_BATCH_MAX");
        });
    NodeEntry from = state.node(cmd.getNodeId());
    if (from == null) {
      throw Rejection.notFound("node " + cmd.getNodeId() + " is not in the ring");
    }
    if (!from.owesRehome(ctx.now())) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
          "rehome: node "
              + from.id()
              + " is "
              + StateNames.of(from.state())
              + " and keeps its sessions");
    }
    byte[] prefix = Keys.ownerPrefix(from.id());
    List<KvStore.Entry> batch = store.scan(Table.OWNER_INDEX, prefix, prefix, cmd.getMaxSessions());
    int moved = 0;
    MigrationReason reason = reasonFor(from);
    for (KvStore.Entry e : batch) {
      String id = Keys.sessionOfOwnerKey(e.key(), prefix.length);
      SessionRecord session = existing(id);
      if (session.getFencingToken() == ctx.index()) {
        continue; // assigned in this entry; a later rehome moves it with a new token
      }
      BoundedLoad.Choice choice = state.chooseRehome(SessionHash.of(id));
      if (choice == null) {
        break;
      }
      move(id, session.toBuilder(), from, choice, reason, ctx);
      moved++;
    }
    RehomeResult.Builder r = RehomeResult.newBuilder().setMoved(moved).setRemaining(from.sessions);
    if (from.sessions == 0 && from.state() == NodeState.NODE_STATE_LEFT) {
      nodes.removeNode(from, ctx);
    }
    return Result.newBuilder().setRehome(r);
  }

  /** True when {@code s} has been idle longer than its time-to-live at leader time {@code now}. */
  boolean isIdle(SessionRecord s, long now) {
    long ttl = s.getTtlMs() != 0 ? s.getTtlMs() : state.meta().getPolicy().getSessionIdleTtlMs();
    return ttl > 0 && now - s.getTouchedMs() >= ttl;
  }

  static MigrationReason reasonFor(NodeEntry owner) {
    return switch (owner.state()) {
      case NODE_STATE_DOWN -> MigrationReason.MIGRATION_REASON_FAILURE;
      case NODE_STATE_LEFT -> MigrationReason.MIGRATION_REASON_LEAVE;
      default -> MigrationReason.MIGRATION_REASON_DRAIN;
    };
  }

  private SessionRecord move(
      String id,
      SessionRecord.Builder b,
      NodeEntry from,
      BoundedLoad.Choice choice,
      MigrationReason reason,
      ApplyContext ctx) {
    InvariantViolation.check(
        b.getFencingToken() < ctx.index(),
        "session %s would keep token %d across an owner change",
        id,
        b.getFencingToken());
    NodeEntry to = state.node(state.placement().membership().id(choice.memberIndex()));
    checkCap(to);
    InvariantViolation.check(
        !to.id().equals(from.id()), "session %s rehomed onto its own owner", id);
    SessionRecord moved =
        b.setOwner(to.id()).setFencingToken(ctx.index()).setReason(reason).build();
    put(id, moved);
    store.delete(Table.OWNER_INDEX, Keys.ownerKey(from.id(), id));
    store.put(Table.OWNER_INDEX, Keys.ownerKey(to.id(), id), new byte[0]);
    state.addSessions(from, -1);
    state.addSessions(to, 1);
    ctx.events().add(new Event.SessionChanged(id, moved, from.id(), reason, false));
    return moved;
  }

  private void delete(String id, SessionRecord s, ApplyContext ctx, boolean expired) {
    store.delete(Table.SESSIONS, Keys.bytes(id));
    store.delete(Table.STATE, Keys.bytes(id));
    store.delete(Table.OWNER_INDEX, Keys.ownerKey(s.getOwner(), id));
    NodeEntry owner = state.node(s.getOwner());
    state.addSessions(owner, -1);
    ctx.events()
        .add(
            new Event.SessionChanged(
                id, null, s.getOwner(), MigrationReason.MIGRATION_REASON_UNSPECIFIED, expired));
    if (owner.sessions == 0 && owner.state() == NodeState.NODE_STATE_LEFT) {
      nodes.removeNode(owner, ctx);
    }
  }

  /** The bounded-load cap held when the session was placed (checked, never assumed). */
  private void checkCap(NodeEntry owner) {
    long cap = state.capOf(owner.id());
    InvariantViolation.check(
        owner.sessions < cap,
        "placed a session on %s at %d sessions, cap %d",
        owner.id(),
        owner.sessions,
        cap);
  }

  private BoundedLoad.Choice requireChoice(String id, boolean rehome) {
    long hash = SessionHash.of(id);
    BoundedLoad.Choice choice = rehome ? state.chooseRehome(hash) : state.choose(hash);

    if (choice == null) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_RING_FULL,
          "ring has no ACTIVE or JOINING node to place session " + id + " on");
    }
    return choice;
  }

  private SessionRecord existing(String id) {
    SessionRecord s = get(id);
    if (s == null) {
      throw Rejection.notFound("session " + id + " does not exist");
    }
    return s;
  }

  KvStore store() {
    return store;
  }

  SessionRecord get(String id) {
    byte[] bytes = store.get(Table.SESSIONS, Keys.bytes(id));
    if (bytes == null) {
      return null;
    }
    try {
      return SessionRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvariantViolation("stored session " + id + " does not parse: " + e.getMessage());
    }
  }

  private void put(String id, SessionRecord s) {
    store.put(Table.SESSIONS, Keys.bytes(id), s.toByteArray());
  }

  private static void checkIdCount(String field, int count) {
    Validate.range(field + " count", count, 1, Limits.IDS_PER_COMMAND_MAX, "IDS_PER_COMMAND_MAX");
  }

  private static Result.Builder sessionResult(
      String id, SessionRecord s, boolean created, int probes) {
    return Result.newBuilder()
        .setSession(
            SessionResult.newBuilder()
                .setSessionId(id)
                .setSession(s)
                .setCreated(created)
                .setProbes(probes));
  }
}
