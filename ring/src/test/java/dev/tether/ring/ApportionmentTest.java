package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Webster apportionment agrees with a brute-force sort of all seat entries, always hands out
 * exactly the seats, and is monotone: a leave or a weight drop never takes seats from others.
 */
class ApportionmentTest {
  @Test
  void agreesWithBruteForceOnSeededInputs() {
    for (long seed = 1; seed <= 300; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 12);
      int seats = 1 + rnd.nextInt(400);
      int[] fast = Apportionment.webster(m, seats);
      int[] reference = ReferenceModel.webster(m.members(), seats);
      assertThat(fast).as("seed %d, members %s, seats %d", seed, m, seats).isEqualTo(reference);
      assertThat(Arrays.stream(fast).sum()).as("seed %d", seed).isEqualTo(seats);
    }
  }

  @Test
  void removingAMemberNeverLowersAnotherCount() {
    for (long seed = 1; seed <= 300; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 40);
      if (m.size() < 2) {
        continue;
      }
      String leaver = m.id(rnd.nextInt(m.size()));
      Membership after = m.without(leaver);
      int[] before = Apportionment.webster(m, RingLimits.SLOTS);
      int[] next = Apportionment.webster(after, RingLimits.SLOTS);
      for (int i = 0; i < after.size(); i++) {
        assertThat(next[i])
            .as("seed %d: %s after %s left", seed, after.id(i), leaver)
            .isGreaterThanOrEqualTo(before[m.indexOf(after.id(i))]);
      }
    }
  }

  @Test
  void equalWeightsDifferByAtMostOneSeat() {
    for (int n : new int[] {1, 3, 7, 10, 100, 1000, 4096}) {
      int[] counts = Apportionment.webster(Fixtures.equal(n), RingLimits.SLOTS);
      int min = Arrays.stream(counts).min().orElseThrow();
      int max = Arrays.stream(counts).max().orElseThrow();
      assertThat(max - min).as("n=%d", n).isLessThanOrEqualTo(1);
      assertThat(Arrays.stream(counts).sum()).isEqualTo(RingLimits.SLOTS);
    }
  }

  @Test
  void emptyMembershipGetsNoSeats() {
    assertThat(Apportionment.webster(Membership.empty(), RingLimits.SLOTS)).isEmpty();
  }
}
