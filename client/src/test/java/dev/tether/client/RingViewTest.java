package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NodeState;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.SlotMove;
import dev.tether.ring.Member;
import dev.tether.ring.Membership;
import dev.tether.ring.SlotTable;
import dev.tether.ring.VnodeRing;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RingViewTest {
  private static final long SEED = 20_251_127L;

  /** Random histories and steps per history: SlotTable.next costs tens of ms a step. */
  private static final int HISTORIES = 6;

  private static final int STEPS = 8;

  @Test
  void fullThenIncrementalUpdatesRebuildTheDaemonsTableExactly() {
    // Proves, over seeded random membership histories, that a view fed a full update and then
    // slot moves holds byte for byte the table the daemon derived, and answers every unpinned
    // session as that table does; nodes outside the placement never own anything.
    for (int history = 0; history < HISTORIES; history++) {
      long seed = SEED + history;
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Membership.of(new Member("n1", 1000), new Member("n2", 3000));
      SlotTable table = SlotTable.build(m);
      RingView view =
          RingView.full(RingHistory.full(1, RingHistory.nodes(m, RingHistory.outsiders()), table));
      List<String> ids = RingHistory.sessionIds(rnd, 200);
      for (int step = 2; step <= STEPS; step++) {
        Membership next = RingHistory.change(rnd, m);
        SlotTable nextTable = table.next(next);
        List<Node> nodes = RingHistory.nodes(next, RingHistory.outsiders());
        view = view.next(RingHistory.incremental(step, nodes, table, nextTable));
        m = next;
        table = nextTable;

        String where = "seed " + seed + " step " + step;
        assertThat(view.epoch()).as(where).isEqualTo(step);
        assertThat(view.placement().membership()).as(where).isEqualTo(m);
        assertThat(((SlotTable) view.placement()).encode()).as(where).isEqualTo(table.encode());
        for (String id : ids) {
          assertThat(view.ownerOf(id).getId())
              .as(where + " session " + id)
              .isEqualTo(table.ownerOf(id));
        }
      }
    }
  }

  @Test
  void emptyRingHasNoOwnerUntilANodeJoins() {
    // Proves that the empty table (every slot 0xFFFF) decodes, answers no owner, and that a first
    // join delivered as slot moves gives every slot to the newcomer.
    SlotTable empty = SlotTable.build(Membership.empty());
    RingView view = RingView.full(RingHistory.full(1, RingHistory.outsiders(), empty));
    assertThat(view.ownerOf("s1")).isNull();

    Membership one = Membership.of(new Member("n1", 1000));
    SlotTable table = empty.next(one);
    view = view.next(RingHistory.incremental(2, RingHistory.nodes(one, List.of()), empty, table));

    assertThat(view.ownerOf("s1").getId()).isEqualTo("n1");
  }

  @Test
  void vnodeRingIsRebuiltFromTheMembershipOnEveryUpdate() {
    // Proves that a vnode-ring view equals VnodeRing.build over the placement's members, with the
    // policy's virtual nodes per unit, after a full and an incremental update.
    Membership m = Membership.of(new Member("a", 1000), new Member("b", 2500));
    RingUpdate full =
        RingUpdate.newBuilder()
            .setEpoch(5)
            .setFull(true)
            .setPolicy(RingHistory.vnodeRing(40))
            .addAllNodes(RingHistory.nodes(m, RingHistory.outsiders()))
            .build();
    Membership m2 = m.with(new Member("c", 700));
    RingUpdate inc =
        RingUpdate.newBuilder()
            .setEpoch(6)
            .setPolicy(RingHistory.vnodeRing(40))
            .addAllNodes(RingHistory.nodes(m2, List.of()))
            .build();

    RingView view = RingView.full(full).next(inc);

    VnodeRing expected = VnodeRing.build(m2, 40);
    for (String id : RingHistory.sessionIds(new SplittableRandom(SEED), 500)) {
      assertThat(view.ownerOf(id).getId()).isEqualTo(expected.ownerOf(id));
    }
  }

  @Test
  void tableMembersInAnotherOrderAreReindexed() {
    // Proves that a table's indexes are read through table_members, so a table listing the same
    // members in another order still decodes to the same owners.
    Membership m =
        Membership.of(new Member("a", 1000), new Member("b", 1000), new Member("c", 2000));
    SlotTable table = SlotTable.build(m);
    byte[] bytes = table.encode();
    int[] toReversed = {2, 1, 0};
    for (int s = 0; s < bytes.length / 2; s++) {
      int i = ((bytes[2 * s] & 0xFF) << 8) | (bytes[2 * s + 1] & 0xFF);
      bytes[2 * s] = 0;
      bytes[2 * s + 1] = (byte) toReversed[i];
    }
    RingUpdate reversed =
        RingHistory.full(1, RingHistory.nodes(m, List.of()), table).toBuilder()
            .setSlotTable(ByteString.copyFrom(bytes))
            .clearTableMembers()
            .addAllTableMembers(List.of("c", "b", "a"))
            .build();

    assertThat(((SlotTable) RingView.full(reversed).placement()).encode())
        .isEqualTo(table.encode());
  }

  @Test
  void inconsistentUpdatesAreRefused() {
    // Proves that each kind of update that does not fit the view is refused with a reason,
    // rather than giving a table that answers differently from the daemon.
    Membership m = Membership.of(new Member("a", 1000), new Member("b", 1000));
    SlotTable table = SlotTable.build(m);
    List<Node> nodes = RingHistory.nodes(m, List.of());
    RingView view = RingView.full(RingHistory.full(3, nodes, table));

    RingUpdate toStranger =
        RingUpdate.newBuilder()
            .setEpoch(4)
            .addAllNodes(nodes)
            .addSlotMoves(SlotMove.newBuilder().setSlot(0).setOwner("stranger"))
            .build();
    assertThatThrownBy(() -> view.next(toStranger))
        .hasMessageContaining("slot 0 is owned by stranger");

    RingUpdate unbalanced =
        RingUpdate.newBuilder()
            .setEpoch(4)
            .addAllNodes(nodes)
            .addSlotMoves(
                SlotMove.newBuilder()
                    .setSlot(0)
                    .setOwner(RingHistory.ownerId(table, 0).equals("a") ? "b" : "a"))
            .build();
    assertThatThrownBy(() -> view.next(unbalanced)).hasMessageContaining("counts do not match");

    RingUpdate backwards = RingUpdate.newBuilder().setEpoch(2).addAllNodes(nodes).build();
    assertThatThrownBy(() -> view.next(backwards))
        .hasMessageContaining("behind the watched epoch 3");

    List<Node> withDownB = new ArrayList<>(nodes);
    withDownB.set(1, nodes.get(1).toBuilder().setState(NodeState.NODE_STATE_DOWN).build());
    RingUpdate ownerWentDown = RingUpdate.newBuilder().setEpoch(4).addAllNodes(withDownB).build();
    assertThatThrownBy(() -> view.next(ownerWentDown))
        .hasMessageContaining("which is not a JOINING or ACTIVE node");

    RingUpdate vnode =
        RingUpdate.newBuilder()
            .setEpoch(1)
            .setFull(true)
            .setPolicy(RingHistory.vnodeRing(8))
            .addAllNodes(nodes)
            .build();
    RingUpdate backToSlots =
        RingUpdate.newBuilder()
            .setEpoch(2)
            .setPolicy(RingHistory.SLOT_TABLE)
            .addAllNodes(nodes)
            .build();
    assertThatThrownBy(() -> RingView.full(vnode).next(backToSlots))
        .hasMessageContaining("incremental update, which has no table");

    RingUpdate shortTable =
        RingHistory.full(5, nodes, table).toBuilder()
            .setSlotTable(ByteString.copyFrom(new byte[10]))
            .build();
    assertThatThrownBy(() -> RingView.full(shortTable))
        .hasMessageContaining("slot table is 10 bytes");

    RingUpdate duplicate =
        RingHistory.full(5, nodes, table).toBuilder().addNodes(nodes.get(0)).build();
    assertThatThrownBy(() -> RingView.full(duplicate)).hasMessageContaining("appears twice");
  }
}
