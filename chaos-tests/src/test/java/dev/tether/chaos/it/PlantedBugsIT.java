package dev.tether.chaos.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.chaos.run.PlantedBugs;
import dev.tether.chaos.run.Suite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves the suite can fail: each planted daemon bug (a test-only flag) must make a safety checker
 * fail within {@code -Dchaos.planted.seeds} seeds (default 3) of the scenario meant to expose it.
 * The default build runs {@code -Dchaos.planted=stale-reads}; {@code -Pchaos} runs all four.
 */
class PlantedBugsIT {
  static List<String> bugs() {
    String p = System.getProperty("chaos.planted", "stale-reads");
    return p.equals("all") ? PlantedBugs.labels() : List.of(p.split(","));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bugs")
  void isCaughtWithinBoundedSeeds(String bug) throws Exception {
    int seeds = Integer.getInteger("chaos.planted.seeds", 3);
    long durationMs = ChaosIt.durationMs(System.getProperty("chaos.planted.duration", "20s"));
    StringWriter log = new StringWriter();
    Optional<Suite.Verdict> caught =
        PlantedBugs.hunt(
            bug.trim(),
            1,
            seeds,
            durationMs,
            "auto",
            Path.of("target", "chaos-planted").toAbsolutePath(),
            new PrintWriter(log, true));
    assertThat(caught)
        .as("%s caught by a safety checker within %d seeds%n%s", bug, seeds, log)
        .isPresent();
  }
}
