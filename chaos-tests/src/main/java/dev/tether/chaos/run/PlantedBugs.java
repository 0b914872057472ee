package dev.tether.chaos.run;

import dev.tether.chaos.nemesis.Scenario;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's test-only planted bugs and the scenario that should expose each: the evidence that a
 * green suite means something. Each must make at least one checker fail within a few seeds.
 */
public final class PlantedBugs {
  private PlantedBugs() {}

  /** Bug label (as in {@code testing.planted_bugs}) → the scenario run to expose it. */
  public static final Map<String, Scenario> EXPOSED_BY =
      Map.of(
          // A cut-off leader answers LINEARIZABLE reads from its own state, authoritatively.
          "stale-reads", Scenario.ISOLATE_LEADER,
          // Acknowledged writes live in memory only: killing every daemon loses them.
          "no-fsync", Scenario.KILL_ALL,
          // Owners move (expiries, drains) while writers keep using their old tokens.
          "skip-fencing", Scenario.MEMBERSHIP,
          // Followers expire nodes that renew at the leader.
          "lessor-ignores-leadership", Scenario.ISOLATE_LEADER);

  /** The bugs in a stable order. */
  public static List<String> labels() {
    return List.of("stale-reads", "no-fsync", "skip-fencing", "lessor-ignores-leadership");
  }

  /**
   * Runs {@code bug}'s scenario with the bug planted, seed after seed from {@code firstSeed}, until
   * a safety checker fails (a liveness miss alone does not count: load can cause one); returns that
   * run, or empty when {@code seeds} runs went by without one.
   */
  public static Optional<Suite.Verdict> hunt(
      String bug,
      long firstSeed,
      int seeds,
      long durationMs,
      String network,
      Path out,
      PrintWriter log)
      throws IOException, InterruptedException {
    Scenario s = EXPOSED_BY.get(bug);
    if (s == null) {
      throw new IllegalArgumentException("unknown planted bug " + bug + "; known: " + labels());
    }
    for (int k = 0; k < seeds; k++) {
      Suite.Request req =
          new Suite.Request(
              List.of(s),
              firstSeed + k,
              1,
              durationMs,
              3,
              network,
              out.resolve(bug),
              null,
              List.of(bug));
      Suite.Verdict v = new Suite(log).run(req).get(0);
      if (v.checked() && !v.failedSafety().isEmpty()) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}
