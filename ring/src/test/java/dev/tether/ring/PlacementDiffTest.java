package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A what-if reports exactly the slots, flows and session ids whose owner changes. */
class PlacementDiffTest {
  @Test
  void reportsOwnerChangesConsistentWithLookups() {
    SlotTable before = SlotTable.build(Fixtures.equal(10));
    PlacementDiff diff = PlacementDiff.whatIf(before, new MembershipChange.Drain("n3"));
    List<String> ids = Fixtures.uuids(new SplittableRandom(5), 20_000);
    List<PlacementDiff.OwnerChange> changes = diff.ownerChanges(ids);
    long expected = ids.stream().filter(id -> "n3".equals(before.ownerOf(id))).count();
    assertThat(changes).hasSize((int) expected);
    assertThat(changes).allMatch(c -> c.from().equals("n3") && !c.to().equals("n3"));
    assertThat(changes).allMatch(c -> c.to().equals(diff.after().ownerOf(c.sessionId())));
  }

  @Test
  void flowsAddUpToTheMovedShareAndToTheSlotMoves() {
    SlotTable before = SlotTable.build(Fixtures.weighted(1, 2, 3));
    PlacementDiff diff = PlacementDiff.whatIf(before, new MembershipChange.Weight("n0", 4000));
    double flowSum = diff.flows().stream().mapToDouble(PlacementDiff.Flow::share).sum();
    assertThat(flowSum).isCloseTo(diff.movedShare(), within(1e-12));
    assertThat(diff.movedShare())
        .isCloseTo(diff.slotMoves().size() / (double) RingLimits.SLOTS, within(1e-12));
  }

  @Test
  void comparesAcrossPolicies() {
    Membership m = Fixtures.equal(5);
    PlacementDiff diff = PlacementDiff.between(SlotTable.build(m), VnodeRing.build(m, 100));
    assertThat(diff.slotMoves()).isEmpty();
    assertThat(diff.movedShare()).isBetween(0.5, 1.0);
    assertThat(PlacementDiff.between(SlotTable.build(m), SlotTable.build(m)).movedShare()).isZero();
  }

  @Test
  void aDiffFromEmptyMovesEverything() {
    PlacementDiff diff =
        PlacementDiff.between(
            SlotTable.build(Membership.empty()), SlotTable.build(Fixtures.equal(3)));
    assertThat(diff.movedShare()).isCloseTo(1.0, within(1e-12));
    assertThat(diff.slotMoves()).hasSize(RingLimits.SLOTS).allMatch(move -> move.from() == null);
  }
}
