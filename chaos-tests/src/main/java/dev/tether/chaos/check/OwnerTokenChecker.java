package dev.tether.chaos.check;

import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owners and fencing tokens (S2, S4):
 *
 * <ul>
 *   <li>one token names one owner: across every answer of every daemon — authoritative or STALE,
 *       and the last known answers of refused reads — no two answers for the same (session, token)
 *       name different owners (answers flagged {@code pending_rehome} name a future owner and are
 *       left out);
 *   <li>tokens only grow: an authoritative answer never shows a lower token than one that an
 *       operation which had already completed showed;
 *   <li>fencing: a PutState with a token lower than one already shown authoritatively is never
 *       acknowledged.
 * </ul>
 */
public final class OwnerTokenChecker implements Checker {
  @Override
  public String name() {
    return "owners-and-tokens";
  }

  @Override
  public CheckResult check(RunFacts run) {
    List<String> violations = new ArrayList<>();
    Map<String, Map<Long, Op>> owners = new HashMap<>();
    Map<String, List<Op>> authoritative = new LinkedHashMap<>();
    int answers = 0;
    for (Op op : run.history().ops()) {
      Op.Answer a = op.result();
      if (a == null) {
        continue;
      }
      if (a.pinned() && !a.pendingRehome() && a.token() > 0 && !a.owner().isEmpty()) {
        answers++;
        Op first =
            owners.computeIfAbsent(op.key(), k -> new HashMap<>()).putIfAbsent(a.token(), op);
        if (first != null && !first.result().owner().equals(a.owner())) {
          violations.add(
              "session "
                  + op.key()
                  + " token "
                  + a.token()
                  + " has two owners: "
                  + first.result().owner()
                  + " in "
                  + Describe.op(first)
                  + " and "
                  + a.owner()
                  + " in "
                  + Describe.op(op));
        }
      }
      if (op.outcome() == Outcome.OK && a.authoritative() && a.pinned() && tokenOf(op) > 0) {
        authoritative.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    int orderChecked = 0;
    for (Map.Entry<String, List<Op>> e : authoritative.entrySet()) {
      orderChecked += e.getValue().size();
      monotonic(e.getKey(), e.getValue(), violations);
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("ownerAnswers", answers);
    metrics.put("authoritativeAnswers", orderChecked);
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty()
            ? "every token has one owner; tokens never went back; no stale token was accepted"
            : violations.size() + " owner or token violations",
        metrics);
  }

  /** The token an operation showed (for a write, the token it was accepted with). */
  static long tokenOf(Op op) {
    return op.kind() == OpKind.PUT ? op.request().token() : op.result().token();
  }

  /** Sweeps operations in invocation order against the highest token of those already done. */
  private static void monotonic(String key, List<Op> ops, List<String> violations) {
    List<Op> byInvoke = new ArrayList<>(ops);
    byInvoke.sort(Comparator.comparingLong(Op::invokeNanos));
    List<Op> byComplete = new ArrayList<>(ops);
    byComplete.sort(Comparator.comparingLong(Op::completeNanos));
    int done = 0;
    Op highest = null;
    for (Op op : byInvoke) {
      while (done < byComplete.size() && byComplete.get(done).completeNanos() < op.invokeNanos()) {
        Op d = byComplete.get(done++);
        if (highest == null || tokenOf(d) > tokenOf(highest)) {
          highest = d;
        }
      }
      if (highest != null && tokenOf(op) < tokenOf(highest)) {
        violations.add(
            (op.kind() == OpKind.PUT
                    ? "session "
                        + key
                        + ": a write with stale token "
                        + tokenOf(op)
                        + " was accepted: "
                    : "session "
                        + key
                        + ": token went back from "
                        + tokenOf(highest)
                        + " to "
                        + tokenOf(op)
                        + ": ")
                + Describe.op(op)
                + " after "
                + Describe.op(highest));
      }
    }
  }
}
