package dev.tether.chaos.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replicas converge after the final heal (S8): every daemon catches up with the commit index of the
 * heal within the limit, and once the workload stops every group shows one applied index and one
 * state digest on every daemon (byte-identical replicas).
 */
public final class ConvergenceChecker implements Checker {
  @Override
  public String name() {
    return "convergence";
  }

  @Override
  public CheckResult check(RunFacts run) {
    RunFacts.Convergence c = run.convergence();
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (c == null) {
      return CheckResult.inconclusive(name(), "the run did not reach its final heal", metrics);
    }
    List<String> violations = new ArrayList<>();
    long caughtUpMs = c.caughtUpNanos() < 0 ? -1 : (c.caughtUpNanos() - c.healNanos()) / 1_000_000;
    metrics.put("catchUpMs", caughtUpMs);
    metrics.put(
        "digestsEqualMs",
        c.digestsNanos() < 0 ? -1 : (c.digestsNanos() - c.healNanos()) / 1_000_000);
    metrics.put("groups", c.detail());
    if (caughtUpMs < 0 || caughtUpMs > run.limits().convergenceMsMax()) {
      violations.add(
          "replicas did not catch up within "
              + run.limits().convergenceMsMax()
              + " ms of the final heal");
    }
    if (!c.digestsEqual()) {
      violations.add("replicas differ after the final heal: " + c.detail());
    }
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty()
            ? "caught up " + caughtUpMs + " ms after the heal; equal digests"
            : String.join("; ", violations),
        metrics);
  }
}
