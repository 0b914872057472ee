package dev.tether.chaos.check;

import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Authoritative answers (S5):
 *
 * <ul>
 *   <li>a daemon cut off from a majority (by a partition, for the whole of the call) never answers
 *       authoritatively: its LINEARIZABLE reads fail or are flagged, never {@code
 *       authoritative=true};
 *   <li>no authoritative answer shows a fencing token above the session's final committed one (that
 *       would be state the cluster later lost: the answer disagreed with the committed history).
 * </ul>
 *
 * Reads are always served by the daemon the client is bound to, so each is attributed to that
 * daemon's side of the partition in force.
 */
public final class AuthoritativeChecker implements Checker {
  @Override
  public String name() {
    return "authoritative-answers";
  }

  @Override
  public CheckResult check(RunFacts run) {
    List<String> violations = new ArrayList<>();
    List<FaultEvent> cuts =
        run.history().faults().stream().filter(f -> !f.isolated().isEmpty()).toList();
    Long finalReads = run.history().mark(History.MARK_FINAL_READS);
    Map<String, Long> finalTokens = new HashMap<>();
    if (finalReads != null) {
      for (Op op : run.history().ops()) {
        if (op.invokeNanos() >= finalReads
            && op.outcome() == Outcome.OK
            && op.result() != null
            && op.result().pinned()) {
          finalTokens.merge(op.key(), op.result().token(), Math::max);
        }
      }
    }
    int minorityReads = 0;
    int checkedTokens = 0;
    for (Op op : run.history().ops()) {
      if (op.outcome() != Outcome.OK || !op.kind().isRead() || op.stale()) {
        continue;
      }
      if (finalReads != null && op.invokeNanos() >= finalReads) {
        continue;
      }
      Op.Answer a = op.result();
      for (FaultEvent f : cuts) {
        if (f.isolated().contains(op.daemon())
            && f.coversAll(op.invokeNanos(), op.completeNanos())) {
          minorityReads++;
          if (a.authoritative()) {
            violations.add(
                op.daemon()
                    + " was cut off from a majority ("
                    + f.name()
                    + ": "
                    + f.detail()
                    + ") yet answered authoritatively: "
                    + Describe.op(op));
          }
        }
      }
      Long last = finalTokens.get(op.key());
      if (a.authoritative() && a.pinned() && last != null) {
        checkedTokens++;
        if (a.token() > last) {
          violations.add(
              "session "
                  + op.key()
                  + ": authoritative token "
                  + a.token()
                  + " is above the final committed token "
                  + last
                  + " (the cluster lost the state it answered from): "
                  + Describe.op(op));
        }
      }
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("minoritySuccessfulReads", minorityReads);
    metrics.put("tokensCheckedAgainstFinal", checkedTokens);
    long lin =
        run.history().ops().stream()
            .filter(o -> o.kind() == OpKind.LOOKUP && !o.stale() && o.outcome() == Outcome.OK)
            .count();
    metrics.put("linearizableLookupsOk", lin);
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty()
            ? "no authoritative answer from a minority; none ahead of the committed history"
            : violations.size() + " wrong authoritative answers",
        metrics);
  }
}
