package dev.tether.statemachine.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.NodeState;
import dev.tether.proto.internal.RingMeta;
import dev.tether.ring.BoundedLoad;
import dev.tether.ring.Member;
import dev.tether.ring.Membership;
import dev.tether.ring.Placement;
import dev.tether.ring.PolicyConfig;
import dev.tether.ring.PolicyKind;
import dev.tether.ring.SlotTable;
import dev.tether.ring.VnodeRing;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The in-memory part of a ring group's state: the meta record, every node (with its session count)
 * and the derived placement. Sessions stay in the store. Single-threaded.
 */
final class RingState {
  private final KvStore store;
  private RingMeta.Builder meta;
  private final TreeMap<String, NodeEntry> nodes = new TreeMap<>();
  private Placement placement = SlotTable.build(Membership.empty());
  private long[] counts = new long[0];
  private boolean metaDirty;
  private boolean tableDirty;

  RingState(KvStore store) {
    this.store = store;
    load();
  }

  /** Reads the state back from the store (at start and after a snapshot install). */
  void load() {
    nodes.clear();
    byte[] metaBytes = store.get(Table.META, Keys.META);
    meta = metaBytes == null ? null : parseMeta(metaBytes).toBuilder();
    if (meta != null) {
      byte[] table = store.get(Table.META, Keys.SLOT_TABLE);
      meta.setSlotTable(table == null ? ByteString.EMPTY : ByteString.copyFrom(table));
    }
    for (KvStore.Entry e : store.scan(Table.NODES, new byte[0], new byte[0], Integer.MAX_VALUE)) {
      NodeRecord record = parseNode(e.value());
      nodes.put(record.getId(), new NodeEntry(record));
    }
    metaDirty = false;
    tableDirty = false;
    if (meta != null) {
      restorePlacement();
    } else {
      placement = SlotTable.build(Membership.empty());
      counts = new long[0];
    }
  }

  boolean initialized() {
    return meta != null;
  }

  RingMeta.Builder meta() {
    return meta;
  }

  void initialize(RingMeta initial) {
    meta = initial.toBuilder();
    metaDirty = true;
    placement = Placement.build(policyConfig(), Membership.empty());
    counts = new long[0];
  }

  void markMetaDirty() {
    metaDirty = true;
  }

  NodeEntry node(String id) {
    return nodes.get(id);
  }

  Collection<NodeEntry> nodes() {
    return nodes.values();
  }

  int nodeCount() {
    return nodes.size();
  }

  void putNode(NodeEntry entry) {
    entry.dirty = true;
    nodes.put(entry.id(), entry);
  }

  /** Deletes a node record (a LEFT node whose last session moved). */
  void removeNode(String id) {
    nodes.remove(id);
    store.delete(Table.NODES, Keys.bytes(id));
  }

  Placement placement() {
    return placement;
  }

  /** Session counts of the placement's members, indexed like its membership. */
  long[] placementCounts() {
    return counts;
  }

  /** Adds {@code delta} sessions to a node, in its record and the placement's counts. */
  void addSessions(NodeEntry node, long delta) {
    node.sessions += delta;
    node.dirty = true;
    InvariantViolation.check(node.sessions >= 0, "node %s session count below zero", node.id());
    int index = placement.membership().indexOf(node.id());
    if (index >= 0) {
      counts[index] += delta;
    }
    meta.setSessionCount(meta.getSessionCount() + delta);
    metaDirty = true;
  }

  /**
   * Recomputes the placement after a membership or policy change at log index {@code index}, moving
   * as few slots as the policy allows; the ring epoch becomes {@code index}.
   */
  void placementChanged(long index, boolean rebuild) {
    Membership members = eligibleMembers();
    placement = rebuild ? Placement.build(policyConfig(), members) : placement.next(members);
    meta.setSlotTable(
        placement instanceof SlotTable table
            ? ByteString.copyFrom(table.encode())
            : ByteString.EMPTY);
    meta.setEpoch(index);
    metaDirty = true;
    tableDirty = true;
    refreshCounts();
  }

  /** Marks a non-placement change to the ring view (an address or zone) at {@code index}. */
  void viewChanged(long index) {
    meta.setEpoch(index);
    metaDirty = true;
  }

  /** Chooses the owner of a new session by bounded load; null when nobody can take it. */
  BoundedLoad.Choice choose(long sessionHash) {
    if (placement.membership().isEmpty()) {
      return null;
    }
    return BoundedLoad.choose(
        placement, sessionHash, counts, meta.getPolicy().getBalancePermille());
  }

  /** Chooses the new owner of a session whose owner is gone; null when nobody can take it. */
  BoundedLoad.Choice chooseRehome(long sessionHash) {
    if (placement.membership().isEmpty()) {
      return null;
    }
    return BoundedLoad.chooseRehome(
        placement, sessionHash, counts, meta.getPolicy().getBalancePermille());
  }

  /** The cap of a placement member for one more session, or -1 when it is not a member. */
  long capOf(String nodeId) {
    int index = placement.membership().indexOf(nodeId);
    if (index < 0) {
      return -1;
    }
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return BoundedLoad.cap(
        placement.membership(), index, total, meta.getPolicy().getBalancePermille());
  }

  /** Writes the dirty nodes and the meta record to the store's pending batch. */
  void flush() {
    for (NodeEntry n : nodes.values()) {
      if (n.dirty) {
        n.record = n.toRecord();
        store.put(Table.NODES, Keys.bytes(n.id()), n.record.toByteArray());
        n.dirty = false;
      }
    }
    if (metaDirty) {
      // The slot table (128 KiB) has its own key, written only when the placement changes.
      store.put(
          Table.META, Keys.META, meta.build().toBuilder().clearSlotTable().build().toByteArray());
      metaDirty = false;
    }
    if (tableDirty) {
      store.put(Table.META, Keys.SLOT_TABLE, meta.getSlotTable().toByteArray());
      tableDirty = false;
    }
  }

  PolicyConfig policyConfig() {
    PolicyKind kind =
        switch (meta.getPolicy().getPlacement()) {
          case PLACEMENT_VNODE_RING -> PolicyKind.VNODE_RING;
          default -> PolicyKind.SLOT_TABLE;
        };
    return new PolicyConfig(kind, meta.getPolicy().getVnodesPerUnit());
  }

  private Membership eligibleMembers() {
    List<Member> members = new ArrayList<>();
    for (NodeEntry n : nodes.values()) {
      if (n.inPlacement()) {
        members.add(new Member(n.id(), n.record.getEffectiveWeightMilli()));
      }
    }
    return Membership.of(members);
  }

  private void restorePlacement() {
    Membership members = eligibleMembers();
    if (policyConfig().kind() == PolicyKind.SLOT_TABLE) {
      placement = SlotTable.decode(members, meta.getSlotTable().toByteArray());
    } else {
      placement = VnodeRing.build(members, policyConfig().vnodesPerUnit());
    }
    refreshCounts();
  }

  private void refreshCounts() {
    Membership m = placement.membership();
    counts = new long[m.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = nodes.get(m.id(i)).sessions;
    }
  }

  static RingMeta parseMeta(byte[] bytes) {
    try {
      return RingMeta.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvariantViolation("stored ring meta does not parse: " + e.getMessage());
    }
  }

  static NodeRecord parseNode(byte[] bytes) {
    try {
      NodeRecord record = NodeRecord.parseFrom(bytes);
      InvariantViolation.check(
          record.getState() != NodeState.NODE_STATE_UNSPECIFIED,
          "node %s has no state",
          record.getId());
      return record;
    } catch (InvalidProtocolBufferException e) {
      throw new InvariantViolation("stored node does not parse: " + e.getMessage());
    }
  }
}
