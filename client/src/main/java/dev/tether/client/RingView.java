package dev.tether.client;

import com.google.protobuf.ByteString;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NodeState;
import dev.tether.api.v1.PlacementPolicy;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.SlotMove;
import dev.tether.ring.Member;
import dev.tether.ring.Membership;
import dev.tether.ring.Placement;
import dev.tether.ring.PolicyKind;
import dev.tether.ring.RingLimits;
import dev.tether.ring.SlotTable;
import dev.tether.ring.VnodeRing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A ring as a {@link RingWatcher} holds it: the nodes, the policy and the placement at one epoch.
 * Immutable; each update makes a new one, and a pure function of the previous view and the update,
 * so the application logic is tested without a stream.
 *
 * <p>The placement's membership is built as the daemon builds it (docs/ring-spec.md section 2): the
 * JOINING and ACTIVE nodes with a positive effective weight, each weighted by its {@code
 * effective_weight_milli}. A slot-table ring's table is decoded from the full update, then moved
 * slot by slot by incremental updates; {@link SlotTable#decode} checks every result against the
 * membership's apportioned counts, so an inconsistent stream is caught rather than answered from.
 */
record RingView(
    long epoch, long appliedIndex, Policy policy, Map<String, Node> nodes, Placement placement) {
  private static final int NO_OWNER = 0xFFFF;

  /** The view a full update describes. */
  static RingView full(RingUpdate u) {
    if (!u.getFull()) {
      throw new IllegalArgumentException("expected a full update, got an incremental one");
    }
    Map<String, Node> nodes = nodesById(u.getNodesList());
    Membership membership = membership(nodes);
    Placement placement =
        switch (kind(u.getPolicy())) {
          case VNODE_RING -> VnodeRing.build(membership, vnodesPerUnit(u.getPolicy()));
          case SLOT_TABLE -> decodeTable(membership, u.getSlotTable(), u.getTableMembersList());
        };
    return new RingView(u.getEpoch(), u.getAppliedIndex(), u.getPolicy(), nodes, placement);
  }

  /** The view after an incremental update to this one. */
  RingView next(RingUpdate u) {
    if (u.getFull()) {
      return full(u);
    }
    if (u.getEpoch() < epoch) {
      throw new IllegalArgumentException(
          "update epoch " + u.getEpoch() + " is behind the watched epoch " + epoch);
    }
    Policy nextPolicy = u.hasPolicy() ? u.getPolicy() : policy;
    Map<String, Node> nextNodes = nodesById(u.getNodesList());
    Membership membership = membership(nextNodes);
    Placement placement =
        switch (kind(nextPolicy)) {
          case VNODE_RING -> VnodeRing.build(membership, vnodesPerUnit(nextPolicy));
          case SLOT_TABLE -> {
            if (!(this.placement instanceof SlotTable table)) {
              throw new IllegalArgumentException(
                  "policy changed to slot-table in an incremental update, which has no table");
            }
            yield moveSlots(table, membership, u.getSlotMovesList());
          }
        };
    return new RingView(u.getEpoch(), u.getAppliedIndex(), nextPolicy, nextNodes, placement);
  }

  /** The node owning an unpinned session, as the daemon's placement answers it; null if none. */
  Node ownerOf(String sessionId) {
    String id = placement.ownerOf(sessionId);
    return id == null ? null : nodes.get(id);
  }

  static boolean inPlacement(Node n) {
    return (n.getState() == NodeState.NODE_STATE_JOINING
            || n.getState() == NodeState.NODE_STATE_ACTIVE)
        && n.getEffectiveWeightMilli() > 0;
  }

  static Membership membership(Map<String, Node> nodes) {
    List<Member> members = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (inPlacement(n)) {
        members.add(new Member(n.getId(), n.getEffectiveWeightMilli()));
      }
    }
    return Membership.of(members);
  }

  private static Map<String, Node> nodesById(List<Node> list) {
    Map<String, Node> nodes = new TreeMap<>();
    for (Node n : list) {
      if (nodes.put(n.getId(), n) != null) {
        throw new IllegalArgumentException("node " + n.getId() + " appears twice in the update");
      }
    }
    return Collections.unmodifiableMap(nodes);
  }

  private static PolicyKind kind(Policy p) {
    return p.getPlacement() == PlacementPolicy.PLACEMENT_POLICY_VNODE_RING
        ? PolicyKind.VNODE_RING
        : PolicyKind.SLOT_TABLE;
  }

  private static int vnodesPerUnit(Policy p) {
    return p.hasVnodesPerUnit() ? p.getVnodesPerUnit() : RingLimits.VNODES_PER_UNIT_DEFAULT;
  }

  /**
   * Decodes a table whose 16-bit entries index {@code tableMembers}, re-indexed to {@code
   * membership} (they are the same sorted ids when the daemon is consistent).
   */
  static SlotTable decodeTable(Membership membership, ByteString table, List<String> tableMembers) {
    if (table.size() != 2 * RingLimits.SLOTS) {
      throw new IllegalArgumentException(
          "slot table is " + table.size() + " bytes, must be " + 2 * RingLimits.SLOTS);
    }
    int[] remap = new int[tableMembers.size()];
    boolean identity = tableMembers.size() == membership.size();
    for (int i = 0; i < remap.length; i++) {
      remap[i] = membership.indexOf(tableMembers.get(i));
      if (remap[i] < 0) {
        throw new IllegalArgumentException(
            "table member " + tableMembers.get(i) + " is not a JOINING or ACTIVE node");
      }
      identity &= remap[i] == i;
    }
    byte[] bytes = table.toByteArray();
    if (!identity) {
      for (int s = 0; s < RingLimits.SLOTS; s++) {
        int index = ((bytes[2 * s] & 0xFF) << 8) | (bytes[2 * s + 1] & 0xFF);
        if (index == NO_OWNER) {
          continue;
        }
        if (index >= remap.length) {
          throw new IllegalArgumentException(
              "slot " + s + " names table member " + index + " of " + remap.length);
        }
        put(bytes, s, remap[index]);
      }
    }
    return SlotTable.decode(membership, bytes);
  }

  /** The table after {@code moves}, re-indexed to the new membership. */
  static SlotTable moveSlots(SlotTable previous, Membership next, List<SlotMove> moves) {
    String[] movedTo = new String[RingLimits.SLOTS];
    for (SlotMove m : moves) {
      if (m.getSlot() >= RingLimits.SLOTS) {
        throw new IllegalArgumentException("slot move names slot " + m.getSlot());
      }
      movedTo[m.getSlot()] = m.getOwner();
    }
    Membership before = previous.membership();
    int[] remap = new int[before.size()];
    for (int i = 0; i < remap.length; i++) {
      remap[i] = next.indexOf(before.id(i));
    }
    byte[] bytes = new byte[2 * RingLimits.SLOTS];
    for (int s = 0; s < RingLimits.SLOTS; s++) {
      int index;
      if (movedTo[s] != null) {
        index = movedTo[s].isEmpty() ? NO_OWNER : next.indexOf(movedTo[s]);
      } else {
        int old = previous.slotOwner(s);
        index = old < 0 ? NO_OWNER : remap[old];
      }
      if (index < 0) {
        String owner = movedTo[s] != null ? movedTo[s] : before.id(previous.slotOwner(s));
        throw new IllegalArgumentException(
            "slot " + s + " is owned by " + owner + ", which is not a JOINING or ACTIVE node");
      }
      put(bytes, s, index);
    }
    return SlotTable.decode(next, bytes);
  }

  private static void put(byte[] bytes, int slot, int index) {
    bytes[2 * slot] = (byte) (index >> 8);
    bytes[2 * slot + 1] = (byte) index;
  }
}
