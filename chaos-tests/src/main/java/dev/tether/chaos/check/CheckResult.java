package dev.tether.chaos.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one checker concluded about a run.
 *
 * @param name the checker
 * @param verdict pass, fail or inconclusive (counts as a failure of the run)
 * @param summary one line for people
 * @param violations each violation found, precisely (at most {@link #VIOLATIONS_MAX})
 * @param metrics numbers the checker measured, for the report
 */
public record CheckResult(
    String name,
    Verdict verdict,
    String summary,
    List<String> violations,
    Map<String, Object> metrics) {
  /** Violations kept per checker; the count says how many there were. */
  public static final int VIOLATIONS_MAX = 20;

  /** A checker's verdict. */
  public enum Verdict {
    PASS,
    FAIL,
    INCONCLUSIVE
  }

  public static CheckResult of(
      String name, List<String> violations, String summary, Map<String, Object> metrics) {
    Map<String, Object> m = new LinkedHashMap<>(metrics);
    m.put("violations", violations.size());
    return new CheckResult(
        name,
        violations.isEmpty() ? Verdict.PASS : Verdict.FAIL,
        summary,
        List.copyOf(violations.subList(0, Math.min(VIOLATIONS_MAX, violations.size()))),
        m);
  }

  public static CheckResult inconclusive(String name, String why, Map<String, Object> metrics) {
    return new CheckResult(
        name, Verdict.INCONCLUSIVE, why, List.of(), new LinkedHashMap<>(metrics));
  }

  public boolean passed() {
    return verdict == Verdict.PASS;
  }
}
