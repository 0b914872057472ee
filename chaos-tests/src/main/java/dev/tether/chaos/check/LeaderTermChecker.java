package dev.tether.chaos.check;

import dev.tether.chaos.history.StatusSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At most one leader per term (S6), per Raft group, from every daemon's Status polled every 100 ms:
 * no two daemons ever claimed LEADER of the same group in the same term.
 */
public final class LeaderTermChecker implements Checker {
  @Override
  public String name() {
    return "one-leader-per-term";
  }

  @Override
  public CheckResult check(RunFacts run) {
    Map<String, StatusSample> leaders = new HashMap<>();
    List<String> violations = new ArrayList<>();
    int terms = 0;
    for (StatusSample s : run.history().statusSamples()) {
      if (!s.leads()) {
        continue;
      }
      String key = s.group() + "@" + s.term();
      StatusSample first = leaders.putIfAbsent(key, s);
      if (first == null) {
        terms++;
      } else if (!first.daemon().equals(s.daemon())) {
        violations.add(
            "group "
                + s.group()
                + " term "
                + s.term()
                + " has two leaders: "
                + first.daemon()
                + " (at "
                + Describe.at(first.nanos())
                + ") and "
                + s.daemon()
                + " (at "
                + Describe.at(s.nanos())
                + ")");
        leaders.put(key, s);
      }
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("leaderTerms", terms);
    metrics.put("statusSamples", run.history().statusSamples().size());
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty() ? terms + " group terms, one leader each" : "two leaders in a term",
        metrics);
  }
}
