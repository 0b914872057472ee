package dev.tether.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One master seed decides the whole schedule: the same seed gives the same schedule, every fault
 * fits in the faulted phase, and a saved schedule reads back equal (so it can be replayed).
 */
class ScenarioTest {
  @Test
  void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
    for (Scenario s : Scenario.values()) {
      int daemons = s.minDaemons();
      Schedule first = s.plan(7, daemons, 40_000);
      Schedule second = s.plan(7, daemons, 40_000);
      assertThat(second).isNotSameAs(first).isEqualTo(first);
    }
    assertThat(Scenario.MIXED.plan(7, 5, 60_000)).isNotEqualTo(Scenario.MIXED.plan(8, 5, 60_000));
  }

  @Test
  void everyFaultStartsAfterTheWarmUpAndEndsWithinTheFaultedPhase() {
    for (Scenario s : Scenario.values()) {
      for (long seed = 1; seed <= 20; seed++) {
        Schedule plan = s.plan(seed, 5, 30_000);
        assertThat(plan.steps()).as("%s seed %d", s, seed).isNotEmpty();
        for (Step step : plan.steps()) {
          assertThat(step.atMs()).isGreaterThanOrEqualTo(plan.warmupMs());
          assertThat(step.endMs()).isLessThanOrEqualTo(plan.warmupMs() + plan.durationMs());
          assertThat(step.holdMs()).isPositive();
        }
      }
    }
  }

  @Test
  void onlyLinkFaultsNeedTheRelay() {
    assertThat(Scenario.LINK_FAULTS.plan(1, 3, 30_000).requiresRelay()).isTrue();
    assertThat(Scenario.ISOLATE_LEADER.plan(1, 3, 30_000).requiresRelay()).isFalse();
    assertThat(Scenario.MIXED.plan(1, 3, 60_000).requiresRelay()).isFalse();
  }

  @Test
  void partialPartitionsNeedFiveDaemons() {
    assertThatThrownBy(() -> Scenario.MAJORITIES_RING.plan(1, 3, 30_000))
        .hasMessageContaining("at least 5 daemons");
    assertThat(Scenario.BRIDGE.plan(1, 5, 30_000).steps())
        .allMatch(s -> s.fault().equals("bridge"));
  }

  @Test
  void aSavedScheduleReadsBackEqual(@TempDir Path dir) throws Exception {
    Schedule plan = Scenario.MEMBERSHIP.plan(3, 3, 40_000);
    plan.write(dir.resolve("schedule.json"));
    assertThat(Schedule.read(dir.resolve("schedule.json"))).isEqualTo(plan);
  }

  @Test
  void scenariosParseByTheirLabels() {
    assertThat(Scenario.parse("kill-leader")).isEqualTo(Scenario.KILL_LEADER);
    assertThatThrownBy(() -> Scenario.parse("nope")).hasMessageContaining("isolate-leader");
  }
}
