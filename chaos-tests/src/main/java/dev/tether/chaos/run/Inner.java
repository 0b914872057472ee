package dev.tether.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tether.chaos.check.CheckResult;
import dev.tether.chaos.check.Checkers;
import dev.tether.chaos.check.RunFacts;
import dev.tether.chaos.check.SessionModel;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.HistoryIO;
import dev.tether.chaos.nemesis.Nemesis;
import dev.tether.chaos.report.Summary;
import dev.tether.chaos.report.Timeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inner harness: one run in the network prepared for it, then the checkers and the report. Also
 * re-checks a saved run ({@code chaos check DIR}) from its history and facts.
 */
public final class Inner {
  private static final Logger LOG = LoggerFactory.getLogger(Inner.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Inner() {}

  /** Runs {@code dir/run.json}; true when every checker passed. */
  public static boolean run(Path dir) throws IOException, InterruptedException {
    RunConfig config = RunConfig.read(dir.resolve("run.json"));
    Run.Result result = new Run(config, dir).execute();
    writeFacts(result.facts(), result.installs(), result.notes(), dir);
    return report(config, result.facts(), result.installs(), result.notes(), dir);
  }

  /** Checks a saved run again; true when every checker passed. */
  public static boolean check(Path dir) throws IOException {
    RunConfig config = RunConfig.read(dir.resolve("run.json"));
    History h = HistoryIO.read(dir.resolve("history.jsonl"));
    JsonNode f = JSON.readTree(dir.resolve("facts.json").toFile());
    Map<String, SessionModel.State> keys = new LinkedHashMap<>();
    f.get("keys")
        .properties()
        .forEach(
            e -> keys.put(e.getKey(), JSON.convertValue(e.getValue(), SessionModel.State.class)));
    List<String> daemons = new ArrayList<>();
    f.get("daemons").forEach(d -> daemons.add(d.asText()));
    RunFacts.Convergence conv =
        f.get("convergence").isNull()
            ? null
            : JSON.convertValue(f.get("convergence"), RunFacts.Convergence.class);
    RunFacts facts =
        new RunFacts(
            h,
            daemons,
            keys,
            f.get("clientDeadlineMs").asLong(),
            conv,
            JSON.convertValue(f.get("limits"), RunFacts.Limits.class));
    List<Nemesis.SnapshotInstall> installs = new ArrayList<>();
    f.get("installs")
        .forEach(i -> installs.add(JSON.convertValue(i, Nemesis.SnapshotInstall.class)));
    List<String> notes = new ArrayList<>();
    f.get("notes").forEach(n -> notes.add(n.asText()));
    return report(config, facts, installs, notes, dir);
  }

  private static void writeFacts(
      RunFacts facts, List<Nemesis.SnapshotInstall> installs, List<String> notes, Path dir)
      throws IOException {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("daemons", facts.daemons());
    f.put("keys", facts.keys());
    f.put("clientDeadlineMs", facts.clientDeadlineMs());
    f.put("convergence", facts.convergence());
    f.put("limits", facts.limits());
    f.put("installs", installs);
    f.put("notes", notes);
    JSON.writeValue(dir.resolve("facts.json").toFile(), f);
  }

  private static boolean report(
      RunConfig config,
      RunFacts facts,
      List<Nemesis.SnapshotInstall> installs,
      List<String> notes,
      Path dir)
      throws IOException {
    List<CheckResult> results = Checkers.run(facts);
    Map<String, Object> summary = Summary.build(config, facts, results, installs, notes);
    Summary.write(summary, dir);
    try {
      Timeline.write(
          facts.history(),
          facts.daemons(),
          Run.RING,
          config.schedule().scenario()
              + " seed "
              + config.schedule().seed()
              + " — "
              + summary.get("verdict"),
          dir.resolve("timeline.png"));
    } catch (IOException | RuntimeException e) {
      LOG.warn("timeline.png not drawn: {}", e.toString());
    }
    for (CheckResult r : results) {
      LOG.info("{}: {} — {}", r.name(), r.verdict(), r.summary());
    }
    return Summary.verdict(results).equals("PASS");
  }
}
