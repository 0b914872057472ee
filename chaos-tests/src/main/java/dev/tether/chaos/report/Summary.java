package dev.tether.chaos.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tether.chaos.check.AvailabilityChecker;
import dev.tether.chaos.check.CheckResult;
import dev.tether.chaos.check.RunFacts;
import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.nemesis.Nemesis;
import dev.tether.chaos.run.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's report: {@code summary.json} (for machines: the suite reads the verdict from it) and
 * {@code summary.md} (for people): seed, network, verdict per checker with its violations,
 * availability per phase, recovery per fault, convergence, latency percentiles.
 */
public final class Summary {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Summary() {}

  /** The run's verdict: PASS only when every checker passed. */
  public static String verdict(List<CheckResult> results) {
    if (results.stream().anyMatch(r -> r.verdict() == CheckResult.Verdict.FAIL)) {
      return "FAIL";
    }
    if (results.stream().anyMatch(r -> r.verdict() == CheckResult.Verdict.INCONCLUSIVE)) {
      return "INCONCLUSIVE";
    }
    return "PASS";
  }

  public static Map<String, Object> build(
      RunConfig config,
      RunFacts facts,
      List<CheckResult> results,
      List<Nemesis.SnapshotInstall> installs,
      List<String> notes) {
    History h = facts.history();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("scenario", config.schedule().scenario());
    s.put("seed", config.schedule().seed());
    s.put("daemons", config.schedule().daemons());
    s.put("network", config.network());
    s.put("networkWhy", config.why());
    s.put("plantedBugs", config.plantedBugs());
    s.put("verdict", verdict(results));
    s.put("faultedPhaseMs", config.schedule().durationMs());
    s.put("startedAt", java.time.Instant.ofEpochMilli(h.originWallMillis()).toString());
    s.put("java", System.getProperty("java.version"));
    s.put("kernel", System.getProperty("os.version"));
    s.put("checkers", results);
    Map<String, Long> counts = new TreeMap<>();
    for (Op op : h.ops()) {
      counts.merge(
          Latency.type(op) + "/" + op.outcome().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
    }
    s.put("operations", counts);
    List<Map<String, Object>> faults = new ArrayList<>();
    for (FaultEvent f : h.faults()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", f.id());
      m.put("name", f.name());
      m.put("detail", f.detail());
      m.put("startS", f.startNanos() / 1e9);
      m.put("endS", f.endNanos() / 1e9);
      m.put("isolated", f.isolated());
      m.put("stopped", f.stopped());
      faults.add(m);
    }
    s.put("faults", faults);
    s.put("snapshotInstalls", installs);
    s.put("latencyMs", Latency.of(h));
    s.put("marks", h.marks());
    s.put("notes", notes);
    return s;
  }

  public static void write(Map<String, Object> summary, Path dir) throws IOException {
    JSON.writeValue(dir.resolve("summary.json").toFile(), summary);
    Files.writeString(dir.resolve("summary.md"), markdown(summary));
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> s) {
    StringBuilder b = new StringBuilder();
    b.append("# Chaos run ").append(s.get("scenario")).append(" seed ").append(s.get("seed"));
    b.append("\n\n");
    b.append("**Verdict: ").append(s.get("verdict")).append("** — ");
    b.append(s.get("daemons")).append(" daemons, ").append(s.get("network")).append(" network (");
    b.append(s.get("networkWhy")).append("), ");
    b.append(((Number) s.get("faultedPhaseMs")).longValue() / 1000).append(" s of faults");
    List<?> bugs = (List<?>) s.get("plantedBugs");
    if (!bugs.isEmpty()) {
      b.append(", **planted bugs ").append(bugs).append("**");
    }
    b.append(", started ").append(s.get("startedAt")).append(".\n\n");
    b.append("| checker | verdict | summary |\n|---|---|---|\n");
    List<CheckResult> results = (List<CheckResult>) s.get("checkers");
    for (CheckResult r : results) {
      b.append("| ").append(r.name()).append(" | ").append(r.verdict()).append(" | ");
      b.append(r.summary().replace("|", "\\|")).append(" |\n");
    }
    for (CheckResult r : results) {
      if (!r.violations().isEmpty()) {
        b.append("\n### ").append(r.name()).append(" violations\n\n");
        for (String v : r.violations()) {
          b.append("- ").append(v).append('\n');
        }
      }
    }
    CheckResult avail =
        results.stream().filter(r -> r.name().equals("availability")).findFirst().orElse(null);
    if (avail != null) {
      Map<String, Object> m = avail.metrics();
      b.append("\n## Availability\n\n");
      b.append(
          String.format(
              Locale.ROOT,
              "- healthy phase: %.1f%% of %s LINEARIZABLE lookups answered%n",
              100 * ((Number) m.getOrDefault("healthyAvailability", 1.0)).doubleValue(),
              m.get("healthyLinearizableLookups")));
      b.append(
          String.format(
              Locale.ROOT,
              "- faulted phase, majority side: %.1f%% of %s answered%n",
              100 * ((Number) m.getOrDefault("faultedMajorityAvailability", 1.0)).doubleValue(),
              m.get("faultedMajorityLookups")));
      b.append(
          String.format(
              Locale.ROOT,
              "- minority side: %s of %s LINEARIZABLE lookups ended within their deadline (%s refused"
                  + " with NotAuthoritative facts); %s of %s STALE lookups answered, flagged%n",
              m.get("minorityInDeadline"),
              m.get("minorityLinearizableLookups"),
              m.get("minorityRefusedWithFacts"),
              m.get("minorityStaleAnswered"),
              m.get("minorityStaleLookups")));
      List<AvailabilityChecker.Recovery> rec =
          (List<AvailabilityChecker.Recovery>) m.getOrDefault("recoveries", List.of());
      if (!rec.isEmpty()) {
        b.append(
            "\n| fault | at | majority authoritative again | first write |\n|---|---|---|---|\n");
        for (AvailabilityChecker.Recovery r : rec) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %d %s | %.1f s | %s | %s |%n",
                  r.fault(),
                  r.name(),
                  r.startNanos() / 1e9,
                  r.readMs() < 0 ? "never" : r.readMs() + " ms",
                  r.writeMs() < 0 ? "never" : r.writeMs() + " ms"));
        }
      }
    }
    CheckResult conv =
        results.stream().filter(r -> r.name().equals("convergence")).findFirst().orElse(null);
    if (conv != null) {
      b.append("\n## Convergence\n\n");
      b.append("- caught up ").append(conv.metrics().get("catchUpMs"));
      b.append(" ms after the final heal; equal digests ");
      b.append(conv.metrics().get("digestsEqualMs")).append(" ms after it (workload stopped)\n");
    }
    List<?> installs = (List<?>) s.get("snapshotInstalls");
    if (!installs.isEmpty()) {
      b.append("- snapshot installs: ").append(installs).append('\n');
    }
    b.append("\n## Faults\n\n| # | fault | from | to | detail |\n|---|---|---|---|---|\n");
    for (Map<String, Object> f : (List<Map<String, Object>>) s.get("faults")) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.1f s | %.1f s | %s |%n",
              f.get("id"),
              f.get("name"),
              ((Number) f.get("startS")).doubleValue(),
              ((Number) f.get("endS")).doubleValue(),
              f.get("detail")));
    }
    b.append("\n## Latency of successful calls (ms)\n\n");
    b.append(
        "| phase | call | count | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|---|\n");
    Map<String, Map<String, Latency.Percentiles>> lat =
        (Map<String, Map<String, Latency.Percentiles>>) s.get("latencyMs");
    for (Map.Entry<String, Map<String, Latency.Percentiles>> phase : lat.entrySet()) {
      for (Map.Entry<String, Latency.Percentiles> e : phase.getValue().entrySet()) {
        Latency.Percentiles p = e.getValue();
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
                phase.getKey(),
                e.getKey(),
                p.count(),
                p.p50(),
                p.p90(),
                p.p99(),
                p.p999(),
                p.max()));
      }
    }
    b.append("\n## Operations\n\n");
    ((Map<String, Long>) s.get("operations"))
        .forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
    List<?> notes = (List<?>) s.get("notes");
    if (!notes.isEmpty()) {
      b.append("\n## Notes\n\n");
      for (Object n : notes) {
        b.append("- ").append(n).append('\n');
      }
    }
    b.append("\nFiles: `schedule.json` (replay with `--replay`), `history.jsonl`, `timeline.png`,");
    b.append(" `logs/` (daemons and agents), `harness.log`.\n");
    return b.toString();
  }
}
