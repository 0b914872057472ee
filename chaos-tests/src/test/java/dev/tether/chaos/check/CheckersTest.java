package dev.tether.chaos.check;

import static dev.tether.chaos.check.Histories.ms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.chaos.history.AgentEvent;
import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.NodeSample;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import dev.tether.chaos.history.StatusSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each checker fails on a history that breaks its promise and passes on one that keeps it. */
class CheckersTest {
  static final String K = "k";
  static final Map<String, SessionModel.State> KEYS =
      Map.of(K, new SessionModel.State(10, "n1", 0, ""));

  @Test
  void twoOwnersForOneTokenAreCaughtEvenInStaleAnswers() {
    Histories h = new Histories();
    h.lookup("d1", K, 0, 10, 10, "n1");
    h.get("d2", K, 20, 30, 10, "n2", 0, "", false);
    CheckResult r = new OwnerTokenChecker().check(h.facts(KEYS));
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.FAIL);
    assertThat(r.violations().get(0)).contains("token 10 has two owners");
  }

  @Test
  void anAcceptedStaleTokenIsAFencingViolation() {
    Histories h = new Histories();
    h.lookup("d1", K, 0, 10, 25, "n2");
    h.put("d2", K, 20, 30, 10, 0, "x", Outcome.OK);
    CheckResult r = new OwnerTokenChecker().check(h.facts(KEYS));
    assertThat(r.violations()).anyMatch(v -> v.contains("stale token 10 was accepted"));
    Histories ok = new Histories();
    ok.lookup("d1", K, 0, 10, 25, "n2");
    ok.put("d2", K, 20, 30, 25, 0, "x", Outcome.OK);
    assertThat(new OwnerTokenChecker().check(ok.facts(KEYS)).passed()).isTrue();
  }

  @Test
  void anAcknowledgedWriteMissingAfterTheFinalRestartIsLost() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    h.put("d1", K, 20, 30, 10, 1, "b", Outcome.OK);
    h.history().mark(History.MARK_FINAL_READS, ms(100));
    h.get("d1", K, 110, 120, 10, "n1", 1, "a", true);
    CheckResult r = new LostAckChecker().check(h.facts(KEYS));
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.FAIL);
    assertThat(r.violations().get(0)).contains("acknowledged version 2 lost");

    Histories ok = new Histories();
    ok.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    ok.put("d1", K, 20, 30, 10, 1, "b", Outcome.INFO);
    ok.history().mark(History.MARK_FINAL_READS, ms(100));
    ok.get("d2", K, 110, 120, 10, "n1", 2, "b", true);
    assertThat(new LostAckChecker().check(ok.facts(KEYS)).passed()).isTrue();
  }

  @Test
  void aSessionTheRestartedRegionDoesNotKnowIsLostNotUnread() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    h.history().mark(History.MARK_FINAL_READS, ms(100));
    // What the planted no-fsync bug gives after kill -9 of every daemon: the ring itself is gone.
    h.add(
        new Op(
            99,
            5,
            "d1",
            OpKind.GET,
            K,
            false,
            Op.Request.NONE,
            ms(110),
            ms(120),
            Outcome.FAIL,
            null,
            "NOT_FOUND/ring chaos does not exist"));
    CheckResult r = new LostAckChecker().check(h.facts(KEYS));
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.FAIL);
    assertThat(r.violations().get(0)).contains("is gone after the final restart");
  }

  @Test
  void withoutFinalReadsNoLossCanBeProvenEitherWay() {
    Histories h = new Histories();
    h.put("d1", K, 0, 10, 10, 0, "a", Outcome.OK);
    h.history().mark(History.MARK_FINAL_READS, ms(100));
    assertThat(new LostAckChecker().check(h.facts(KEYS)).verdict())
        .isEqualTo(CheckResult.Verdict.INCONCLUSIVE);
  }

  @Test
  void aMinorityDaemonMustNotAnswerAuthoritatively() {
    Histories h = new Histories();
    h.history()
        .add(
            new FaultEvent(
                1, "isolate", "d2 alone", ms(100), ms(500), List.of("d2"), List.of(), true));
    h.get("d2", K, 200, 300, 10, "n1", 0, "", true);
    h.get("d2", K, 200, 300, 10, "n1", 0, "", false);
    h.get("d2", K, 450, 600, 10, "n1", 0, "", true); // ended after the heal: may be confirmed
    CheckResult r = new AuthoritativeChecker().check(h.facts(KEYS));
    assertThat(r.violations()).hasSize(1);
    assertThat(r.violations().get(0)).contains("d2 was cut off from a majority");
  }

  @Test
  void aNodeExpiredWhileItsAgentServesIsASelfFencingViolation() {
    Histories h = new Histories();
    h.history().add(new AgentEvent(ms(0), "n1", "d1", AgentEvent.STARTED, ""));
    h.history().add(new NodeSample(ms(200), "d2", "n1", "DOWN", ms(100)));
    h.history().add(new AgentEvent(ms(150), "n1", "d1", AgentEvent.FENCED, ""));
    CheckResult r = new SelfFencingChecker().check(h.facts(KEYS));
    assertThat(r.violations()).singleElement().asString().contains("fenced 50 ms later");

    Histories ok = new Histories();
    ok.history().add(new AgentEvent(ms(0), "n1", "d1", AgentEvent.STARTED, ""));
    ok.history().add(new AgentEvent(ms(80), "n1", "d1", AgentEvent.FENCED, ""));
    ok.history().add(new NodeSample(ms(200), "d2", "n1", "DOWN", ms(100)));
    assertThat(new SelfFencingChecker().check(ok.facts(KEYS)).passed()).isTrue();
  }

  @Test
  void twoLeadersInOneTermAreCaught() {
    Histories h = new Histories();
    h.history().add(new StatusSample(ms(0), "d1", "chaos", "LEADER", 3, "d1", 5, 5));
    h.history().add(new StatusSample(ms(10), "d2", "chaos", "LEADER", 4, "d2", 5, 5));
    assertThat(new LeaderTermChecker().check(h.facts(KEYS)).passed()).isTrue();
    h.history().add(new StatusSample(ms(20), "d3", "chaos", "LEADER", 4, "d3", 5, 5));
    assertThat(new LeaderTermChecker().check(h.facts(KEYS)).violations())
        .singleElement()
        .asString()
        .contains("term 4 has two leaders");
  }

  @Test
  void recoveryIsTheTimeUntilTheMajorityAnswersAuthoritativelyAgain() {
    Histories h = new Histories();
    h.history()
        .add(
            new FaultEvent(
                1, "isolate", "d1 alone", ms(1_000), ms(4_000), List.of("d1"), List.of(), true));
    h.get("d2", K, 1_100, 1_500, 10, "n1", 0, "", false);
    h.get("d3", K, 1_600, 1_800, 10, "n1", 0, "", true);
    CheckResult r = new AvailabilityChecker().check(h.facts(KEYS));
    assertThat(r.passed()).isTrue();
    @SuppressWarnings("unchecked")
    List<AvailabilityChecker.Recovery> rec =
        (List<AvailabilityChecker.Recovery>) r.metrics().get("recoveries");
    assertThat(rec)
        .singleElement()
        .extracting(AvailabilityChecker.Recovery::readMs)
        .isEqualTo(800L);

    Histories never = new Histories();
    never
        .history()
        .add(
            new FaultEvent(
                1, "isolate", "d1 alone", ms(1_000), ms(4_000), List.of("d1"), List.of(), true));
    assertThat(new AvailabilityChecker().check(never.facts(KEYS)).violations())
        .singleElement()
        .asString()
        .contains("never answered authoritatively again");
  }
}
