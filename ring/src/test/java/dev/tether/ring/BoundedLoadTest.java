package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bounded-load placement never puts a session on a member at or over its cap, agrees with a naive
 * probe-by-probe model, and spreads a removed member's sessions over all survivors.
 */
class BoundedLoadTest {
  @Test
  void everyPlacementRespectsTheCapAtItsTime() {
    for (PolicyConfig policy : List.of(PolicyConfig.DEFAULT, PolicyConfig.vnodeRing(40))) {
      SplittableRandom rnd = new SplittableRandom(7);
      Membership m = Fixtures.weighted(1, 1, 2, 4, 1, 1, 3, 1, 1, 2);
      Placement p = Placement.build(policy, m);
      long[] counts = new long[m.size()];
      for (int k = 0; k < 20_000; k++) {
        long total = sum(counts);
        BoundedLoad.Choice choice = BoundedLoad.choose(p, rnd.nextLong(), counts, 1100);
        long cap = BoundedLoad.cap(m, choice.memberIndex(), total, 1100);
        assertThat(counts[choice.memberIndex()]).as("%s session %d", policy, k).isLessThan(cap);
        counts[choice.memberIndex()]++;
      }
      for (int i = 0; i < m.size(); i++) {
        double expected = 20_000.0 * m.weightMilli(i) / m.totalWeightMilli();
        assertThat(counts[i] / expected)
            .as("%s member %d", policy, i)
            .isLessThanOrEqualTo(1.1 + 1e-3);
      }
    }
  }

  @Test
  void agreesWithANaiveProbeModel() {
    for (long seed = 1; seed <= 200; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 12);
      Placement p =
          Placement.build(rnd.nextBoolean() ? PolicyConfig.DEFAULT : PolicyConfig.vnodeRing(8), m);
      long[] counts = new long[m.size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = rnd.nextInt(50);
      }
      int permille = 1000 + rnd.nextInt(1000);
      long key = rnd.nextLong();
      assertThat(BoundedLoad.choose(p, key, counts, permille).memberIndex())
          .as("seed %d", seed)
          .isEqualTo(naiveChoose(p, key, counts, permille));
    }
  }

  @Test
  void aRemovedMembersSessionsSpreadOverAllSurvivors() {
    int n = 20;
    Membership m = Fixtures.equal(n);
    Placement p = SlotTable.build(m);
    SplittableRandom rnd = new SplittableRandom(11);
    long[] keys = new long[100_000];
    int[] owner = new int[keys.length];
    long[] counts = new long[n];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = rnd.nextLong();
      owner[k] = BoundedLoad.choose(p, keys[k], counts, 1250).memberIndex();
      counts[owner[k]]++;
    }
    String removed = "n5";
    Membership survivors = m.without(removed);
    Placement after = p.next(survivors);
    long[] survivorCounts = new long[n - 1];
    for (int i = 0; i < n; i++) {
      if (!m.id(i).equals(removed)) {
        survivorCounts[survivors.indexOf(m.id(i))] = counts[i];
      }
    }
    long[] heirs = new long[n - 1];
    int orphans = 0;
    for (int k = 0; k < keys.length; k++) {
      if (m.id(owner[k]).equals(removed)) {
        int heir = BoundedLoad.choose(after, keys[k], survivorCounts, 1250).memberIndex();
        survivorCounts[heir]++;
        heirs[heir]++;
        orphans++;
      }
    }
    long largest = 0;
    for (long h : heirs) {
      assertThat(h).as("every survivor inherits some sessions").isPositive();
      largest = Math.max(largest, h);
    }
    assertThat(largest / (double) orphans).isLessThanOrEqualTo(1.5 / (n - 1));
  }

  @Test
  void rejectsBadArguments() {
    Placement p = SlotTable.build(Fixtures.equal(3));
    assertThatThrownBy(
            () -> BoundedLoad.choose(SlotTable.build(Membership.empty()), 1, new long[0], 1250))
        .hasMessageContaining("no eligible nodes");
    assertThatThrownBy(() -> BoundedLoad.choose(p, 1, new long[2], 1250))
        .hasMessageContaining("counts has 2 entries, the membership 3");
    assertThatThrownBy(() -> BoundedLoad.choose(p, 1, new long[] {0, -1, 0}, 1250))
        .hasMessageContaining("counts[1] is negative");
    assertThatThrownBy(() -> BoundedLoad.choose(p, 1, new long[3], 999))
        .hasMessageContaining("BALANCE_PERMILLE_MIN=1000");
    assertThatThrownBy(() -> BoundedLoad.choose(p, 1, new long[3], 10_001))
        .hasMessageContaining("BALANCE_PERMILLE_MAX=10000");
    assertThatThrownBy(
            () ->
                BoundedLoad.choose(p, 1, new long[] {RingLimits.SESSIONS_PER_RING_MAX, 0, 0}, 1250))
        .hasMessageContaining("SESSIONS_PER_RING_MAX");
  }

  private static int naiveChoose(Placement p, long key, long[] counts, int permille) {
    Membership m = p.membership();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i <= RingLimits.PROBES_RANDOM_MAX; i++) {
      int owner = p.ownerIndex(i == 0 ? key : Mix.mix64(key + i * Mix.GOLDEN));
      if (!order.contains(owner)) {
        order.add(owner);
      }
    }
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < m.size(); i++) {
      if (!order.contains(i)) {
        rest.add(i);
      }
    }
    rest.sort(
        (a, b) -> {
          int c =
              Long.compareUnsigned(
                  Mix.mix64(key ^ SessionHash.of(m.id(b))),
                  Mix.mix64(key ^ SessionHash.of(m.id(a))));
          return c != 0 ? c : Integer.compare(a, b);
        });
    order.addAll(rest);
    long total = sum(counts) + 1;
    for (int i : order) {
      // cap = ceil(permille * total * w_i / (1000 * W))
      java.math.BigInteger num =
          java.math.BigInteger.valueOf(permille)
              .multiply(java.math.BigInteger.valueOf(total))
              .multiply(java.math.BigInteger.valueOf(m.weightMilli(i)));
      java.math.BigInteger den = java.math.BigInteger.valueOf(1000L * m.totalWeightMilli());
      java.math.BigInteger[] qr = num.divideAndRemainder(den);
      long cap = qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
      if (counts[i] < cap) {
        return i;
      }
    }
    throw new AssertionError("no member below cap");
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }
}
