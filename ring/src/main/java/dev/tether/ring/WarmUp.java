package dev.tether.ring;

/**
 * The warm-up ramp: the ring weight of a node that joined {@code elapsedMs} ago, given its full
 * capacity. Time is an input; nothing here reads a clock.
 *
 * <p>The ramp rises in {@code steps} equal steps: {@code max(1, floor(full * k / steps))} with
 * {@code k = floor(steps * elapsed / warmup)}, and the full weight once {@code elapsed >= warmup}.
 * Steps bound the number of placement changes a warm-up causes.
 */
public final class WarmUp {
  private WarmUp() {}

  /**
   * The effective ring weight, in thousandths of a capacity unit.
   *
   * @param units the node's capacity, 1 to {@link RingLimits#CAPACITY_UNITS_MAX}
   * @param elapsedMs time since the node joined (negative is treated as 0)
   * @param warmupMs the ring's warm-up duration; 0 disables the ramp
   * @param steps ramp steps, 1 to {@link RingLimits#WARMUP_STEPS_MAX}
   */
  public static long effectiveWeightMilli(int units, long elapsedMs, long warmupMs, int steps) {
    check(units, warmupMs, steps);
    long full = units * RingLimits.WEIGHT_SCALE;
    if (warmupMs == 0 || elapsedMs >= warmupMs) {
      return full;
    }
    long k = step(Math.max(0, elapsedMs), warmupMs, steps);
    return Math.max(1, full * k / steps);
  }

  /**
   * The elapsed time at which the effective weight next changes, or -1 once it is full.
   *
   * @see #effectiveWeightMilli
   */
  public static long nextChangeAtMs(long elapsedMs, long warmupMs, int steps) {
    check(1, warmupMs, steps);
    if (warmupMs == 0 || elapsedMs >= warmupMs) {
      return -1;
    }
    long k = step(Math.max(0, elapsedMs), warmupMs, steps) + 1;
    // The smallest t with floor(steps * t / warmup) >= k is ceil(k * warmup / steps).
    return Math.min(warmupMs, -Math.floorDiv(-k * warmupMs, steps));
  }

  private static long step(long elapsedMs, long warmupMs, int steps) {
    return Math.multiplyExact(elapsedMs, (long) steps) / warmupMs;
  }

  private static void check(int units, long warmupMs, int steps) {
    if (units < 1 || units > RingLimits.CAPACITY_UNITS_MAX) {
      throw new IllegalArgumentException(
          "weight is "
              + units
              + ", must be in [1, CAPACITY_UNITS_MAX="
              + RingLimits.CAPACITY_UNITS_MAX
              + "]");
    }
    if (warmupMs < 0 || warmupMs > RingLimits.WARMUP_MS_MAX) {
      throw new IllegalArgumentException(
          "warmup_ms is "
              + warmupMs
              + ", must be in [0, WARMUP_MS_MAX="
              + RingLimits.WARMUP_MS_MAX
              + "]");
    }
    if (steps < 1 || steps > RingLimits.WARMUP_STEPS_MAX) {
      throw new IllegalArgumentException(
          "warmup steps is "
              + steps
              + ", must be in [1, WARMUP_STEPS_MAX="
              + RingLimits.WARMUP_STEPS_MAX
              + "]");
    }
  }
}
