package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The slot table agrees with the plain reference model over seeded histories of changes, is
 * balanced to within one slot per member, matches weights, and moves only the slots a change must
 * move.
 */
class SlotTableTest {
  @Test
  void agreesWithReferenceModelOverSeededHistories() {
    for (long seed = 1; seed <= 25; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 8);
      SlotTable table = SlotTable.build(m);
      String[] model = ReferenceModel.nextTable(new String[RingLimits.SLOTS], m.members(), caps(m));
      assertSameTable(seed, 0, table, model);
      for (int step = 1; step <= 4; step++) {
        m = Fixtures.randomChange(rnd, m, 8).apply(m);
        table = table.next(m);
        model = ReferenceModel.nextTable(model, m.members(), caps(m));
        assertSameTable(seed, step, table, model);
      }
    }
  }

  @Test
  void peakToMeanShareIsWithinOnePercentAtTenHundredAndThousandNodes() {
    for (int n : new int[] {10, 100, 1000}) {
      SlotTable table = SlotTable.build(Fixtures.equal(n));
      int max = 0;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, table.slotCount(i));
      }
      double peakToMean = max / (RingLimits.SLOTS / (double) n);
      assertThat(peakToMean).as("n=%d", n).isLessThanOrEqualTo(1.01);
    }
  }

  @Test
  void sharesMatchWeightsWithinOnePercentForRatiosUpToSixteen() {
    Membership m = Fixtures.weighted(1, 2, 4, 8, 16, 1, 3, 5, 16, 1);
    SlotTable table = SlotTable.build(m);
    for (int i = 0; i < m.size(); i++) {
      double weightShare = m.weightMilli(i) / (double) m.totalWeightMilli();
      assertThat(Math.abs(table.share(i) - weightShare) / weightShare)
          .as("member %s", m.id(i))
          .isLessThanOrEqualTo(0.01);
    }
  }

  @Test
  void aLeaveMovesExactlyTheLeaversSlotsSpreadOverEverySurvivor() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      int n = 2 + rnd.nextInt(200);
      SlotTable before = SlotTable.build(Fixtures.equal(n));
      String leaver = "n" + rnd.nextInt(n);
      int leaverIndex = before.membership().indexOf(leaver);
      PlacementDiff diff = PlacementDiff.whatIf(before, new MembershipChange.Leave(leaver));
      assertThat(diff.slotMoves()).as("seed %d", seed).hasSize(before.slotCount(leaverIndex));
      assertThat(diff.slotMoves()).allMatch(move -> move.from().equals(leaver));
      // Each survivor inherits its Webster increase; the largest heir gets at most 1.5/(N-1).
      long largestHeir =
          diff.slotMoves().stream()
              .collect(
                  java.util.stream.Collectors.groupingBy(
                      PlacementDiff.SlotMove::to, java.util.stream.Collectors.counting()))
              .values()
              .stream()
              .mapToLong(Long::longValue)
              .max()
              .orElse(0);
      if (n > 2) {
        assertThat(largestHeir / (double) diff.slotMoves().size())
            .as("seed %d n=%d", seed, n)
            .isLessThanOrEqualTo(1.5 / (n - 1) + 1.0 / diff.slotMoves().size());
      }
    }
  }

  @Test
  void aJoinMovesExactlyTheNewcomersCountAndNothingElse() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 60);
      SlotTable before = SlotTable.build(m);
      PlacementDiff diff =
          PlacementDiff.whatIf(
              before, new MembershipChange.Join("newcomer", Fixtures.randomWeight(rnd)));
      SlotTable after = (SlotTable) diff.after();
      int joined = after.membership().indexOf("newcomer");
      assertThat(diff.slotMoves()).as("seed %d", seed).hasSize(after.slotCount(joined));
      assertThat(diff.slotMoves()).allMatch(move -> move.to().equals("newcomer"));
    }
  }

  @Test
  void aWeightChangeMovesSlotsOnlyToOrFromTheChangedNode() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 60);
      SlotTable before = SlotTable.build(m);
      String changed = m.id(rnd.nextInt(m.size()));
      long weight = Fixtures.randomWeight(rnd);
      PlacementDiff diff =
          PlacementDiff.whatIf(before, new MembershipChange.Weight(changed, weight));
      SlotTable after = (SlotTable) diff.after();
      int delta =
          after.slotCount(after.membership().indexOf(changed))
              - before.slotCount(m.indexOf(changed));
      assertThat(diff.slotMoves()).as("seed %d", seed).hasSize(Math.abs(delta));
      assertThat(diff.slotMoves())
          .allMatch(move -> move.from().equals(changed) || move.to().equals(changed));
    }
  }

  @Test
  void encodeDecodeRoundTrips() {
    SlotTable table = SlotTable.build(Fixtures.weighted(3, 1, 2));
    SlotTable restored = SlotTable.decode(table.membership(), table.encode());
    for (int s = 0; s < RingLimits.SLOTS; s++) {
      assertThat(restored.slotOwner(s)).isEqualTo(table.slotOwner(s));
    }
    SlotTable empty = SlotTable.build(Membership.empty());
    assertThat(SlotTable.decode(Membership.empty(), empty.encode()).ownerIndex(42)).isEqualTo(-1);
  }

  @Test
  void decodeRejectsTablesNoHistoryCouldProduce() {
    SlotTable table = SlotTable.build(Fixtures.equal(3));
    assertThatThrownBy(() -> SlotTable.decode(table.membership(), new byte[10]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 131072");
    byte[] outOfRange = table.encode();
    outOfRange[1] = 7;
    assertThatThrownBy(() -> SlotTable.decode(table.membership(), outOfRange))
        .hasMessageContaining("slot 0 has owner index 7");
    byte[] unbalanced = table.encode();
    for (int s = 0; s < 100; s++) {
      unbalanced[2 * s] = 0;
      unbalanced[2 * s + 1] = 0;
    }
    assertThatThrownBy(() -> SlotTable.decode(table.membership(), unbalanced))
        .hasMessageContaining("do not match");
  }

  @Test
  void anEmptyTableOwnsNothing() {
    SlotTable table = SlotTable.build(Membership.empty());
    assertThat(table.ownerIndex(123L)).isEqualTo(-1);
    assertThat(table.ownerOf("session")).isNull();
    assertThat(table.next(Fixtures.equal(2)).ownerOf("session")).isNotNull();
  }

  @Test
  void slotIsTheTopSixteenBitsOfTheHash() {
    assertThat(SlotTable.slotOf(0xABCD_0000_0000_0001L)).isEqualTo(0xABCD);
    assertThat(SlotTable.slotOf(-1L)).isEqualTo(0xFFFF);
  }

  private static int[] caps(Membership m) {
    return Apportionment.webster(m, RingLimits.SLOTS);
  }

  private static void assertSameTable(long seed, int step, SlotTable table, String[] model) {
    for (int s = 0; s < RingLimits.SLOTS; s++) {
      String actual = table.membership().id(table.slotOwner(s));
      if (!actual.equals(model[s])) {
        throw new AssertionError(
            "seed " + seed + " step " + step + " slot " + s + ": " + actual + " != " + model[s]);
      }
    }
  }
}
