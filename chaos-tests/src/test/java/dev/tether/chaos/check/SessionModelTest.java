package dev.tether.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.chaos.history.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session model accepts what a correct daemon may answer (owner moves the history does not
 * show, writes that may or may not have happened) and refuses stale tokens, two owners for one
 * token, lost writes and stale reads.
 */
class SessionModelTest {
  static final SessionModel.State START = new SessionModel.State(10, "n1", 0, "");
  static final String K = "k";

  static Wgl.Verdict check(Histories h) {
    SessionModel model = new SessionModel(START);
    List<Wgl.Call<dev.tether.chaos.history.Op>> calls =
        h.history().ops().stream()
            .filter(SessionModel::relevant)
            .map(
                op ->
                    new Wgl.Call<>(
                        op,
                        op.invokeNanos(),
                        op.outcome() == Outcome.INFO ? Long.MAX_VALUE : op.completeNanos()))
            .toList();
    return Wgl.check(model, calls, Duration.ofSeconds(5)).verdict();
  }

  @Test
  void aCasChainWithReadsIsLinearizable() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    h.get("d2", K, 20, 30, 10, "n1", 1, "a", true);
    h.put("d1", K, 40, 50, 10, 1, "b", Outcome.OK);
    h.get("d3", K, 60, 70, 10, "n1", 2, "b", true);
    assertThat(check(h)).isEqualTo(Wgl.Verdict.LINEARIZABLE);
  }

  @Test
  void aReadOfTheStateBeforeAnAcknowledgedWriteIsNot() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    h.get("d2", K, 20, 30, 10, "n1", 0, "", true);
    assertThat(check(h)).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void anOwnerMoveMayHappenUnseenButTokensNeverGoBack() {
    Histories h = new Histories();
    h.lookup("d1", K, 0, 10, 25, "n2");
    h.put("d2", K, 20, 30, 25, 0, "a", Outcome.OK);
    assertThat(check(h)).isEqualTo(Wgl.Verdict.LINEARIZABLE);

    Histories back = new Histories();
    back.lookup("d1", K, 0, 10, 25, "n2");
    back.lookup("d2", K, 20, 30, 10, "n1");
    assertThat(check(back)).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aWriteWithAStaleTokenMustNotBeAcknowledged() {
    Histories h = new Histories();
    h.lookup("d1", K, 0, 10, 25, "n2");
    h.put("d2", K, 20, 30, 10, 0, "stale", Outcome.OK);
    assertThat(check(h)).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void oneTokenHasOneOwner() {
    Histories h = new Histories();
    h.lookup("d1", K, 0, 10, 10, "n1");
    h.lookup("d2", K, 20, 30, 10, "n3");
    assertThat(check(h)).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void anUnknownWriteMayShowUpLaterOrNever() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "lost?", Outcome.INFO);
    h.get("d2", K, 20, 30, 10, "n1", 0, "", true);
    h.get("d2", K, 40, 50, 10, "n1", 1, "lost?", true);
    assertThat(check(h)).isEqualTo(Wgl.Verdict.LINEARIZABLE);
    // But two writes cannot both take version 1.
    Histories two = new Histories();
    two.put("d1", K, 0, 10, 10, 0, "x", Outcome.OK);
    two.put("d2", K, 20, 30, 10, 0, "y", Outcome.OK);
    assertThat(check(two)).isEqualTo(Wgl.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void staleReadsAreLeftToTheOwnerChecker() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    h.get("d2", K, 20, 30, 10, "n1", 0, "", false);
    assertThat(check(h)).isEqualTo(Wgl.Verdict.LINEARIZABLE);
    assertThat(new LinearizabilityChecker().check(h.facts(Map.of(K, START))).passed()).isTrue();
  }

  @Test
  void unknownWritesThatAnotherWriteSupersededArePrunedAndTheVerdictsStay() {
    Histories h = new Histories();
    // Forty writes with unknown outcome all expecting version 0, then an acknowledged write that
    // made version 1 and reads of it: none of the forty can have applied.
    for (int i = 0; i < 40; i++) {
      h.put("d" + (1 + i % 3), K, i, 1_000 + i, 10, 0, "maybe-" + i, Outcome.INFO);
    }
    h.put("d1", K, 100, 110, 10, 0, "a", Outcome.OK);
    h.get("d2", K, 120, 130, 10, "n1", 1, "a", true);
    h.put("d3", K, 140, 150, 10, 1, "b?", Outcome.INFO); // nothing shows version 2: kept
    List<dev.tether.chaos.history.Op> relevant =
        h.history().ops().stream().filter(SessionModel::relevant).toList();
    List<dev.tether.chaos.history.Op> kept = LinearizabilityChecker.prune(relevant);
    assertThat(kept).hasSize(3);
    assertThat(kept).extracting(op -> op.request().data()).containsExactly("a", "", "b?");
    CheckResult r = new LinearizabilityChecker().check(h.facts(Map.of(K, START)));
    assertThat(r.passed()).isTrue();
    assertThat(r.metrics()).containsEntry("unknownOutcomesPruned", 40);

    // A read of data no acknowledged or possible write made stays a violation.
    h.get("d1", K, 2_000, 2_010, 10, "n1", 1, "maybe-7", true);
    assertThat(new LinearizabilityChecker().check(h.facts(Map.of(K, START))).passed()).isFalse();
  }

  @Test
  void anUnknownWriteThatAReadShowsIsNotPruned() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "x", Outcome.INFO);
    h.get("d2", K, 20, 30, 10, "n1", 1, "x", true);
    List<dev.tether.chaos.history.Op> relevant =
        h.history().ops().stream().filter(SessionModel::relevant).toList();
    assertThat(LinearizabilityChecker.prune(relevant)).hasSize(2);
    assertThat(check(h)).isEqualTo(Wgl.Verdict.LINEARIZABLE);
  }

  @Test
  void ofUnknownWritesRacingForOneVersionThatNoReadShowsOneStandsForAll() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    for (int i = 0; i < 40; i++) {
      h.put("d" + (1 + i % 3), K, 20 + i, 5_000, 10, 1, "racing-" + i, Outcome.INFO);
    }
    h.get("d2", K, 100, 110, 10, "n1", 1, "a", true);
    // One of them applied (version 2 exists), but no read showed whose data.
    h.put("d3", K, 6_000, 6_010, 10, 2, "c", Outcome.OK);
    List<dev.tether.chaos.history.Op> relevant =
        h.history().ops().stream().filter(SessionModel::relevant).toList();
    List<dev.tether.chaos.history.Op> kept = LinearizabilityChecker.prune(relevant);
    assertThat(kept).extracting(op -> op.request().data()).containsOnlyOnce("racing-0");
    assertThat(kept).hasSize(4);
    CheckResult pass = new LinearizabilityChecker().check(h.facts(Map.of(K, START)));
    assertThat(pass.passed()).isTrue();
    assertThat(pass.metrics()).containsEntry("unknownOutcomesPruned", 39);

    // A read of version 2 with data none of them wrote: no write explains it, pruned or not.
    h.get("d1", K, 7_000, 7_010, 10, "n1", 2, "", true);
    assertThat(new LinearizabilityChecker().check(h.facts(Map.of(K, START))).passed()).isFalse();

    // The same with the data read as written: linearizable, and still so after pruning.
    Histories ok = new Histories();
    ok.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    for (int i = 0; i < 40; i++) {
      ok.put("d" + (1 + i % 3), K, 20 + i, 5_000, 10, 1, "racing-" + i, Outcome.INFO);
    }
    ok.get("d3", K, 6_000, 6_010, 10, "n1", 2, "racing-17", true);
    CheckResult r = new LinearizabilityChecker().check(ok.facts(Map.of(K, START)));
    assertThat(r.passed()).isTrue();
    assertThat(r.metrics()).containsEntry("unknownOutcomesPruned", 39);
  }
}
