package dev.tether.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.chaos.check.CheckResult;
import dev.tether.chaos.check.Checkers;
import dev.tether.chaos.check.RunFacts;
import dev.tether.chaos.check.SessionModel;
import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import dev.tether.chaos.history.StatusSample;
import dev.tether.chaos.nemesis.Scenario;
import dev.tether.chaos.run.RunConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's report is written in full: summary.json, summary.md with every section, timeline.png. */
class ReportTest {
  @Test
  void writesEveryPart(@TempDir Path dir) throws Exception {
    History h = new History(0, 1_700_000_000_000L);
    h.mark(History.MARK_WORKLOAD_START, 0);
    for (int i = 0; i < 50; i++) {
      long t = i * 100_000_000L;
      h.add(
          new Op(
              i,
              1,
              "d" + (1 + i % 3),
              OpKind.LOOKUP,
              "k",
              i % 2 == 0,
              Op.Request.NONE,
              t,
              t + 20_000_000L,
              i % 7 == 0 ? Outcome.FAIL : Outcome.OK,
              i % 7 == 0
                  ? null
                  : new Op.Answer(10, "n1", -1, null, i % 2 != 0, true, false, i % 2 == 0, 5),
              ""));
      h.add(new StatusSample(t, "d1", "chaos", "LEADER", 2, "d1", 5, 5));
    }
    h.add(
        new FaultEvent(
            1,
            "isolate",
            "d2 alone",
            1_000_000_000L,
            2_000_000_000L,
            List.of("d2"),
            List.of(),
            false));
    h.mark(History.MARK_WORKLOAD_STOP, 5_000_000_000L);
    RunFacts facts =
        new RunFacts(
            h,
            List.of("d1", "d2", "d3"),
            Map.of("k", new SessionModel.State(10, "n1", 0, "")),
            1_000,
            new RunFacts.Convergence(
                3_000_000_000L, 3_100_000_000L, true, 3_200_000_000L, Map.of()),
            RunFacts.Limits.DEFAULT);
    List<CheckResult> results = Checkers.run(facts);
    RunConfig config =
        new RunConfig("relay", "test", 77, List.of(), Scenario.ISOLATE_LEADER.plan(1, 3, 20_000));
    Summary.write(Summary.build(config, facts, results, List.of(), List.of("a note")), dir);
    Timeline.write(h, facts.daemons(), "chaos", "test", dir.resolve("timeline.png"));

    String md = Files.readString(dir.resolve("summary.md"));
    assertThat(md)
        .contains("# Chaos run isolate-leader seed 1")
        .contains("| linearizable |")
        .contains("## Availability")
        .contains("## Latency of successful calls")
        .contains("a note");
    assertThat(Files.readString(dir.resolve("summary.json"))).contains("\"verdict\"");
    BufferedImage png = ImageIO.read(dir.resolve("timeline.png").toFile());
    assertThat(png.getWidth()).isEqualTo(Timeline.WIDTH);
  }
}
