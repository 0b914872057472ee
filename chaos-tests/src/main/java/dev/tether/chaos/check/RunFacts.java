package dev.tether.chaos.check;

import dev.tether.chaos.history.History;
import java.util.List;
import java.util.Map;

/**
 * A finished run as the checkers see it: the history and the facts of the run that the history does
 * not carry.
 *
 * @param history every operation, fault, agent event and status sample
 * @param daemons the daemon ids, in order
 * @param keys each workload session with the state it had when the workload started
 * @param clientDeadlineMs the deadline of every workload call
 * @param convergence what the harness measured after the final heal (null: not measured)
 * @param limits the per-run limits of the liveness checkers
 */
public record RunFacts(
    History history,
    List<String> daemons,
    Map<String, SessionModel.State> keys,
    long clientDeadlineMs,
    Convergence convergence,
    Limits limits) {

  /**
   * Replica convergence after the final heal.
   *
   * @param healNanos when every fault was healed and every daemon running
   * @param caughtUpNanos when every daemon had applied, in every group, the leader's commit index
   *     of the heal time (-1: never within the limit)
   * @param digestsEqual true when, with the workload stopped, no two replicas showed different
   *     digests at the same applied index of a group and every replica caught up with the highest
   *     index seen in the poll before (lease renewals keep committing probe entries)
   * @param digestsNanos when the digests were found equal (-1: never)
   * @param detail per group, each daemon's applied index and digest at the last poll
   */
  public record Convergence(
      long healNanos,
      long caughtUpNanos,
      boolean digestsEqual,
      long digestsNanos,
      Map<String, Map<String, String>> detail) {}

  /**
   * Per-run limits of the liveness checks (the suite's targets are medians over many runs; see
   * docs/chaos.md).
   *
   * @param recoveryMsMax longest time, after a fault that hits the majority's leader, until the
   *     majority answers authoritatively again
   * @param convergenceMsMax longest time from the final heal until every replica caught up
   * @param minorityDeadlineShareMin least share of minority LINEARIZABLE lookups that must end
   *     within their deadline
   * @param deadlineSlackMs how late after its deadline a call may end and still count as in time
   *     (scheduling on a shared machine)
   */
  public record Limits(
      long recoveryMsMax,
      long convergenceMsMax,
      double minorityDeadlineShareMin,
      long deadlineSlackMs) {
    public static final Limits DEFAULT = new Limits(5_000, 15_000, 0.95, 250);
  }
}
