package dev.tether.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved history reads back equal, so the checkers can run again on it. */
class HistoryIOTest {
  @Test
  void roundTrip(@TempDir Path dir) throws Exception {
    History h = new History(0, 1_700_000_000_000L);
    h.add(
        new Op(
            1,
            7,
            "d2",
            OpKind.PUT,
            "k",
            false,
            new Op.Request(3, 4, "x"),
            10,
            20,
            Outcome.INFO,
            null,
            "UNAVAILABLE"));
    h.add(
        new Op(
            2,
            8,
            "d1",
            OpKind.LOOKUP,
            "k",
            true,
            Op.Request.NONE,
            30,
            40,
            Outcome.OK,
            new Op.Answer(3, "n1", -1, null, false, true, false, true, 12),
            ""));
    h.add(new FaultEvent(1, "isolate", "d1 alone", 5, 50, List.of("d1"), List.of(), true));
    h.add(new AgentEvent(11, "n1", "d1", AgentEvent.FENCED, ""));
    h.add(new NodeSample(12, "d1", "n1", "DOWN", 9));
    h.add(new StatusSample(13, "d1", "chaos", "LEADER", 2, "d1", 7, 7));
    h.mark(History.MARK_FINAL_HEAL, 99);
    HistoryIO.write(h, dir.resolve("history.jsonl"));
    History back = HistoryIO.read(dir.resolve("history.jsonl"));
    assertThat(back.ops()).isEqualTo(h.ops());
    assertThat(back.faults()).isEqualTo(h.faults());
    assertThat(back.agentEvents()).isEqualTo(h.agentEvents());
    assertThat(back.nodeSamples()).isEqualTo(h.nodeSamples());
    assertThat(back.statusSamples()).isEqualTo(h.statusSamples());
    assertThat(back.marks()).isEqualTo(h.marks());
    assertThat(back.originWallMillis()).isEqualTo(1_700_000_000_000L);
  }
}
