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
}
