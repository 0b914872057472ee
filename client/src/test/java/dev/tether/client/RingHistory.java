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
import dev.tether.ring.RingLimits;
import dev.tether.ring.SlotTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Builds WatchRing updates the way a daemon would: the nodes of a membership (plus nodes outside
 * the placement), the slot table from {@link SlotTable#build}/{@link SlotTable#next}, and slot
 * moves as the difference between consecutive tables.
 */
final class RingHistory {
  static final Policy SLOT_TABLE =
      Policy.newBuilder().setPlacement(PlacementPolicy.PLACEMENT_POLICY_SLOT_TABLE).build();

  private RingHistory() {}

  static Policy vnodeRing(int vnodesPerUnit) {
    return Policy.newBuilder()
        .setPlacement(PlacementPolicy.PLACEMENT_POLICY_VNODE_RING)
        .setVnodesPerUnit(vnodesPerUnit)
        .build();
  }

  static Node node(String id, long weightMilli, NodeState state) {
    return Node.newBuilder()
        .setId(id)
        .setAddress(id + ".internal:8080")
        .setState(state)
        .setWeight((int) Math.max(1, weightMilli / RingLimits.WEIGHT_SCALE))
        .setEffectiveWeightMilli(weightMilli)
        .build();
  }

  /**
   * The nodes a daemon would send for {@code m}: every member JOINING or ACTIVE with its weight,
   * and {@code outside} nodes that are not in the placement (DRAINING, DOWN, LEFT, or weight 0).
   */
  static List<Node> nodes(Membership m, List<Node> outside) {
    List<Node> nodes = new ArrayList<>(outside);
    for (int i = 0; i < m.size(); i++) {
      NodeState state = i % 3 == 2 ? NodeState.NODE_STATE_JOINING : NodeState.NODE_STATE_ACTIVE;
      nodes.add(node(m.id(i), m.weightMilli(i), state));
    }
    return nodes;
  }

  /** Nodes that must not be in the placement, with ids that never collide with members. */
  static List<Node> outsiders() {
    return List.of(
        node("zz-draining", 1000, NodeState.NODE_STATE_DRAINING),
        node("zz-down", 5000, NodeState.NODE_STATE_DOWN),
        node("zz-left", 1000, NodeState.NODE_STATE_LEFT),
        node("zz-cold", 0, NodeState.NODE_STATE_JOINING).toBuilder()
            .setEffectiveWeightMilli(0)
            .build());
  }

  static RingUpdate full(long epoch, List<Node> nodes, SlotTable table) {
    RingUpdate.Builder u =
        RingUpdate.newBuilder()
            .setRing("r")
            .setEpoch(epoch)
            .setAppliedIndex(epoch + 3)
            .setFull(true)
            .setPolicy(SLOT_TABLE)
            .addAllNodes(nodes)
            .setSlotTable(ByteString.copyFrom(table.encode()));
    for (int i = 0; i < table.membership().size(); i++) {
      u.addTableMembers(table.membership().id(i));
    }
    return u.build();
  }

  static RingUpdate incremental(long epoch, List<Node> nodes, SlotTable before, SlotTable after) {
    RingUpdate.Builder u =
        RingUpdate.newBuilder()
            .setRing("r")
            .setEpoch(epoch)
            .setAppliedIndex(epoch + 3)
            .setPolicy(SLOT_TABLE)
            .addAllNodes(nodes);
    for (int s = 0; s < RingLimits.SLOTS; s++) {
      String was = ownerId(before, s);
      String now = ownerId(after, s);
      if (!Objects.equals(was, now)) {
        u.addSlotMoves(SlotMove.newBuilder().setSlot(s).setOwner(now == null ? "" : now));
      }
    }
    return u.build();
  }

  static String ownerId(SlotTable t, int slot) {
    int i = t.slotOwner(slot);
    return i < 0 ? null : t.membership().id(i);
  }

  /** A random change of {@code m}: a join, a leave or a weight change (never empty after). */
  static Membership change(SplittableRandom rnd, Membership m) {
    int choice = m.size() <= 1 ? 0 : m.size() >= 12 ? 1 + rnd.nextInt(2) : rnd.nextInt(3);
    return switch (choice) {
      case 0 -> m.with(new Member("n" + rnd.nextInt(1_000_000), weight(rnd)));
      case 1 -> m.without(m.id(rnd.nextInt(m.size())));
      default -> m.with(new Member(m.id(rnd.nextInt(m.size())), weight(rnd)));
    };
  }

  static long weight(SplittableRandom rnd) {
    return rnd.nextBoolean() ? 1000 : 1 + rnd.nextLong(20_000);
  }

  static List<String> sessionIds(SplittableRandom rnd, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
    }
    return ids;
  }
}
