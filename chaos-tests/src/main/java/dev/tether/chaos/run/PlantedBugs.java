package dev.tether.chaos.run;

import dev.tether.chaos.nemesis.Scenario;
import java.util.List;
import java.util.Map;

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
}
