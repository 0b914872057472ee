package dev.tether.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The WGL checker is trusted only after it has been seen to accept linearizable histories and
 * refuse the others: known small cases, and seeded random histories that are linearizable by
 * construction (and stop being so when one stale read is injected).
 */
class WglTest {
  /** A compare-and-set register of integers; a failed cas is no operation. */
  record RegOp(String f, int a, int b, Integer result, boolean unknown) {
    static RegOp write(int v) {
      return new RegOp("w", v, 0, null, false);
    }

    static RegOp read(int v) {
      return new RegOp("r", 0, 0, v, false);
    }

    static RegOp cas(int from, int to) {
      return new RegOp("cas", from, to, null, false);
    }

    RegOp unknownResult() {
      return new RegOp(f, a, b, result, true);
    }
  }

  static final class Register implements Model<Integer, RegOp> {
    @Override
    public Integer init() {
      return 0;
    }

    @Override
    public Integer step(Integer s, RegOp op) {
      return switch (op.f()) {
        case "w" -> op.a();
        case "r" -> op.result().equals(s) ? s : null;
        case "cas" -> s == op.a() ? Integer.valueOf(op.b()) : (op.unknown() ? s : null);
        default -> throw new IllegalArgumentException(op.f());
      };
    }
  }

  static Wgl.Call<RegOp> c(RegOp op, long call, long ret) {
    return new Wgl.Call<>(op, call, ret);
  }

  static Wgl.Verdict check(List<Wgl.Call<RegOp>> h) {
    return Wgl.check(new Register(), h, Duration.ofSeconds(10)).verdict();
  }

  @Test
  void sequentialWriteThenReadIsLinearizable() {
    assertThat(check(List.of(c(RegOp.write(1), 0, 10), c(RegOp.read(1), 20, 30))))
        .isEqualTo(Wgl.Verdict.LINEARIZABLE);
  }

  @Test
  void readOfTheOldValueAfterAWriteReturnedIsNot() {
    Wgl.Result<Integer, RegOp> r =
        Wgl.check(
            new Register(),
            List.of(c(RegOp.write(1), 0, 10), c(RegOp.read(0), 20, 30)),
            Duration.ofSeconds(1));
    assertThat(r.verdict()).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
    assertThat(r.blocked()).isEqualTo(RegOp.read(0));
    assertThat(r.longestPrefix()).containsExactly(RegOp.write(1));
  }

  @Test
  void aReadConcurrentWithAWriteMaySeeEitherValue() {
    assertThat(check(List.of(c(RegOp.write(1), 0, 100), c(RegOp.read(0), 10, 20))))
        .isEqualTo(Wgl.Verdict.LINEARIZABLE);
    assertThat(check(List.of(c(RegOp.write(1), 0, 100), c(RegOp.read(1), 10, 20))))
        .isEqualTo(Wgl.Verdict.LINEARIZABLE);
  }

  @Test
  void twoReadsMayNotSeeTheValuesInOppositeOrders() {
    // w1 and w2 concurrent; one reader sees 1 then 2, the other 2 then 1, after both returned.
    List<Wgl.Call<RegOp>> h =
        List.of(
            c(RegOp.write(1), 0, 50),
            c(RegOp.write(2), 0, 50),
            c(RegOp.read(1), 60, 70),
            c(RegOp.read(2), 80, 90),
            c(RegOp.read(2), 60, 70),
            c(RegOp.read(1), 80, 90));
    assertThat(check(h)).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aConcurrentReaderFlipFlopIsNotLinearizable() {
    // Reads after a write returned may not go back, even when concurrent with a later write.
    List<Wgl.Call<RegOp>> h =
        List.of(
            c(RegOp.write(1), 0, 10),
            c(RegOp.write(2), 20, 100),
            c(RegOp.read(2), 30, 40),
            c(RegOp.read(1), 50, 60));
    assertThat(check(h)).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void anUnknownWriteMayTakeEffectLateOrNever() {
    RegOp lost = RegOp.write(7).unknownResult();
    assertThat(
            check(
                List.of(
                    c(lost, 0, Long.MAX_VALUE),
                    c(RegOp.read(0), 10, 20),
                    c(RegOp.read(7), 30, 40))))
        .isEqualTo(Wgl.Verdict.LINEARIZABLE);
    assertThat(check(List.of(c(lost, 0, Long.MAX_VALUE), c(RegOp.read(0), 10, 20))))
        .isEqualTo(Wgl.Verdict.LINEARIZABLE);
    // But once seen, it cannot be unseen.
    assertThat(
            check(
                List.of(
                    c(lost, 0, Long.MAX_VALUE),
                    c(RegOp.read(7), 10, 20),
                    c(RegOp.read(0), 30, 40))))
        .isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void casChainsMustFollowOneOrder() {
    assertThat(
            check(
                List.of(
                    c(RegOp.cas(0, 1), 0, 10),
                    c(RegOp.cas(1, 2), 5, 30),
                    c(RegOp.cas(0, 3), 20, 40))))
        .isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
    assertThat(
            check(
                List.of(
                    c(RegOp.cas(0, 1), 0, 10),
                    c(RegOp.cas(1, 2), 5, 30),
                    c(RegOp.cas(2, 3), 20, 40))))
        .isEqualTo(Wgl.Verdict.LINEARIZABLE);
  }

  @Test
  void randomLinearizableHistoriesPassAndAStaleReadFailsThem() {
    int injected = 0;
    for (long seed = 1; seed <= 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      List<Wgl.Call<RegOp>> h = randomLinearizable(random, 60, 4);
      assertThat(check(h)).as("seed %d", seed).isEqualTo(Wgl.Verdict.LINEARIZABLE);
      List<Wgl.Call<RegOp>> bad = withStaleRead(h);
      if (bad != null) {
        injected++;
        assertThat(check(bad))
            .as("seed %d with a stale read", seed)
            .isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
      }
    }
    assertThat(injected).as("histories with a stale read injected").isGreaterThan(100);
  }

  /**
   * A history made by running operations one after another on a register, operation {@code i} at
   * time {@code 100 i}, each recorded with a call and a return up to 150 around that point, so that
   * neighbours overlap: linearizable by construction. Some writes end unknown. In time order.
   */
  static List<Wgl.Call<RegOp>> randomLinearizable(SplittableRandom r, int n, int values) {
    List<Wgl.Call<RegOp>> out = new ArrayList<>();
    int state = 0;
    for (int i = 0; i < n; i++) {
      long point = 1_000 + 100L * i;
      long call = point - r.nextLong(0, 150);
      long ret = point + r.nextLong(1, 150);
      RegOp op;
      switch (r.nextInt(3)) {
        case 0 -> {
          int v = 1 + r.nextInt(values);
          op = RegOp.write(v);
          state = v;
          if (r.nextInt(10) == 0) {
            op = op.unknownResult();
            ret = Long.MAX_VALUE;
          }
        }
        case 1 -> op = RegOp.read(state);
        default -> {
          int to = 1 + r.nextInt(values);
          op = RegOp.cas(state, to);
          state = to;
        }
      }
      out.add(c(op, call, ret));
    }
    return out;
  }

  /**
   * The history (in time order, as made above) with one read replaced by a read of a value it
   * cannot see: the value before the last write that returned before the read was called, when
   * every operation that ever wrote that value had returned before that write was called. Null when
   * no read qualifies.
   */
  static List<Wgl.Call<RegOp>> withStaleRead(List<Wgl.Call<RegOp>> h) {
    for (int i = 0; i < h.size(); i++) {
      Wgl.Call<RegOp> read = h.get(i);
      if (!read.op().f().equals("r")) {
        continue;
      }
      int last = -1;
      for (int j = i - 1; j >= 0; j--) {
        if (writes(h.get(j).op()) && h.get(j).returnTime() < read.callTime()) {
          last = j;
          break;
        }
      }
      if (last < 0) {
        continue;
      }
      Wgl.Call<RegOp> writer = h.get(last);
      int stale = 0;
      for (int j = last - 1; j >= 0; j--) {
        if (writes(h.get(j).op())) {
          stale = value(h.get(j).op());
          break;
        }
      }
      boolean impossible = stale != read.op().result();
      for (Wgl.Call<RegOp> x : h) {
        if (writes(x.op()) && value(x.op()) == stale && x.returnTime() >= writer.callTime()) {
          impossible = false;
        }
      }
      if (impossible) {
        List<Wgl.Call<RegOp>> bad = new ArrayList<>(h);
        bad.set(i, c(RegOp.read(stale), read.callTime(), read.returnTime()));
        return bad;
      }
    }
    return null;
  }

  private static boolean writes(RegOp op) {
    return op.f().equals("w") || op.f().equals("cas");
  }

  private static int value(RegOp op) {
    return op.f().equals("w") ? op.a() : op.b();
  }
}
