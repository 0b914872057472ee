package dev.tether.chaos.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Every checker of the suite, in report order. */
public final class Checkers {
  private Checkers() {}

  /**
   * Checkers of liveness and timing (how fast, how available): they depend on the machine's load as
   * much as on Tether. Every other checker is a safety property that no amount of load excuses.
   */
  public static final Set<String> LIVENESS = Set.of("availability", "convergence");

  public static List<Checker> all() {
    return List.of(
        new LinearizabilityChecker(),
        new OwnerTokenChecker(),
        new LostAckChecker(),
        new AuthoritativeChecker(),
        new SelfFencingChecker(),
        new LeaderTermChecker(),
        new ConvergenceChecker(),
        new AvailabilityChecker());
  }

  /** Runs every checker; a checker that throws is inconclusive, never passed. */
  public static List<CheckResult> run(RunFacts facts) {
    List<CheckResult> out = new ArrayList<>();
    for (Checker c : all()) {
      try {
        out.add(c.check(facts));
      } catch (RuntimeException e) {
        out.add(CheckResult.inconclusive(c.name(), "the checker failed: " + e, java.util.Map.of()));
      }
    }
    return out;
  }
}
