package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The warm-up ramp rises in equal steps, changes exactly when it says it will, and ends full. */
class WarmUpTest {
  @Test
  void rampsInStepsToTheFullWeight() {
    assertThat(WarmUp.effectiveWeightMilli(2, 0, 10_000, 10)).isEqualTo(1);
    assertThat(WarmUp.effectiveWeightMilli(2, 999, 10_000, 10)).isEqualTo(1);
    assertThat(WarmUp.effectiveWeightMilli(2, 1000, 10_000, 10)).isEqualTo(200);
    assertThat(WarmUp.effectiveWeightMilli(2, 5500, 10_000, 10)).isEqualTo(1000);
    assertThat(WarmUp.effectiveWeightMilli(2, 10_000, 10_000, 10)).isEqualTo(2000);
    assertThat(WarmUp.effectiveWeightMilli(2, -5, 10_000, 10)).isEqualTo(1);
    assertThat(WarmUp.effectiveWeightMilli(3, 0, 0, 10)).isEqualTo(3000);
  }

  @Test
  void nextChangeIsExactlyWhereTheWeightChanges() {
    long warmup = 7_777;
    int steps = 7;
    long t = 0;
    long weight = WarmUp.effectiveWeightMilli(5, t, warmup, steps);
    int changes = 0;
    while (true) {
      long next = WarmUp.nextChangeAtMs(t, warmup, steps);
      if (next < 0) {
        break;
      }
      assertThat(WarmUp.effectiveWeightMilli(5, next - 1, warmup, steps)).isEqualTo(weight);
      long after = WarmUp.effectiveWeightMilli(5, next, warmup, steps);
      assertThat(after).isGreaterThan(weight);
      weight = after;
      t = next;
      changes++;
    }
    assertThat(changes).isEqualTo(steps);
    assertThat(weight).isEqualTo(5000);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> WarmUp.effectiveWeightMilli(0, 0, 10, 1))
        .hasMessageContaining("weight is 0");
    assertThatThrownBy(() -> WarmUp.effectiveWeightMilli(1, 0, -1, 1))
        .hasMessageContaining("warmup_ms is -1");
    assertThatThrownBy(() -> WarmUp.effectiveWeightMilli(1, 0, RingLimits.WARMUP_MS_MAX + 1, 1))
        .hasMessageContaining("WARMUP_MS_MAX");
    assertThatThrownBy(() -> WarmUp.nextChangeAtMs(0, 10, 0)).hasMessageContaining("steps is 0");
    assertThatThrownBy(() -> WarmUp.nextChangeAtMs(0, 10, 101))
        .hasMessageContaining("WARMUP_STEPS_MAX=100");
  }
}
