package dev.tether.chaos.check;

import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Availability and recovery, against per-run limits (the suite's targets are medians over many
 * runs: see docs/chaos.md):
 *
 * <ul>
 *   <li>recovery: after each fault that hit the ring leader, the time until a daemon on the
 *       majority side answers a LINEARIZABLE read authoritatively again (for a kill of every
 *       daemon, counted from their restart);
 *   <li>fail-fast: the share of LINEARIZABLE lookups on a daemon cut off from a majority that ended
 *       (with an answer or an error) within their deadline;
 *   <li>STALE lookups there are answered, and flagged: every STALE answer is non-authoritative and
 *       carries staleness facts.
 * </ul>
 */
public final class AvailabilityChecker implements Checker {
  @Override
  public String name() {
    return "availability";
  }

  /** One fault's recovery. */
  public record Recovery(
      int fault, String name, long startNanos, long readMs, long writeMs, String via) {}

  @Override
  public CheckResult check(RunFacts run) {
    List<Op> ops = run.history().ops();
    Long stop = run.history().mark(History.MARK_WORKLOAD_STOP);
    long end = stop == null ? Long.MAX_VALUE : stop;
    List<String> violations = new ArrayList<>();
    List<Recovery> recoveries = new ArrayList<>();
    for (FaultEvent f : run.history().faults()) {
      if (!f.disruptsMajority()) {
        continue;
      }
      boolean everyone = f.stopped().size() == run.daemons().size();
      long from = everyone ? f.endNanos() : f.startNanos();
      List<String> majority = new ArrayList<>(run.daemons());
      if (!everyone) {
        majority.removeAll(f.isolated());
        majority.removeAll(f.stopped());
      }
      Op read = first(ops, from, end, majority, true);
      Op write = first(ops, from, end, majority, false);
      long readMs = read == null ? -1 : (read.completeNanos() - from) / 1_000_000;
      long writeMs = write == null ? -1 : (write.completeNanos() - from) / 1_000_000;
      recoveries.add(
          new Recovery(
              f.id(),
              f.name(),
              f.startNanos(),
              readMs,
              writeMs,
              read == null ? "" : read.daemon()));
      if (readMs < 0 || readMs > run.limits().recoveryMsMax()) {
        violations.add(
            "after "
                + f.name()
                + " at "
                + Describe.at(f.startNanos())
                + " ("
                + f.detail()
                + ") the majority "
                + (readMs < 0 ? "never answered authoritatively again" : "took " + readMs + " ms")
                + " (limit "
                + run.limits().recoveryMsMax()
                + " ms)");
      }
    }
    long deadlineNanos = (run.clientDeadlineMs() + run.limits().deadlineSlackMs()) * 1_000_000L;
    int minorityLin = 0;
    int inTime = 0;
    int refusedWithFacts = 0;
    int minorityStale = 0;
    int staleAnswered = 0;
    int healthyLin = 0;
    int healthyOk = 0;
    int faultedLin = 0;
    int faultedOk = 0;
    List<FaultEvent> faults = run.history().faults();
    for (Op op : ops) {
      if (op.kind() != OpKind.LOOKUP || op.invokeNanos() >= end) {
        continue;
      }
      boolean minority = false;
      boolean faulted = false;
      for (FaultEvent f : faults) {
        if (f.covers(op.invokeNanos())) {
          faulted = true;
          if (f.isolated().contains(op.daemon())) {
            minority = true;
          }
        }
      }
      if (op.stale()) {
        if (op.outcome() == Outcome.OK
            && (op.result().authoritative() || !op.result().flaggedStale())) {
          violations.add("a STALE answer was not flagged as stale: " + Describe.op(op));
        }
        if (minority) {
          minorityStale++;
          if (op.outcome() == Outcome.OK) {
            staleAnswered++;
          }
        }
        continue;
      }
      if (minority) {
        minorityLin++;
        if (op.latencyNanos() <= deadlineNanos) {
          inTime++;
        }
        if (op.error().contains("not-authoritative")) {
          refusedWithFacts++;
        }
      } else if (faulted) {
        faultedLin++;
        faultedOk += op.outcome() == Outcome.OK ? 1 : 0;
      } else {
        healthyLin++;
        healthyOk += op.outcome() == Outcome.OK ? 1 : 0;
      }
    }
    double inTimeShare = minorityLin == 0 ? 1.0 : inTime / (double) minorityLin;
    if (inTimeShare < run.limits().minorityDeadlineShareMin()) {
      violations.add(
          String.format(
              java.util.Locale.ROOT,
              "only %.1f%% of %d minority LINEARIZABLE lookups ended within their deadline (limit %.0f%%)",
              100 * inTimeShare,
              minorityLin,
              100 * run.limits().minorityDeadlineShareMin()));
    }
    if (minorityStale > 0 && staleAnswered < minorityStale * 0.95) {
      violations.add(
          "only "
              + staleAnswered
              + " of "
              + minorityStale
              + " minority STALE lookups were answered");
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("recoveries", recoveries);
    metrics.put("minorityLinearizableLookups", minorityLin);
    metrics.put("minorityInDeadline", inTime);
    metrics.put("minorityRefusedWithFacts", refusedWithFacts);
    metrics.put("minorityStaleLookups", minorityStale);
    metrics.put("minorityStaleAnswered", staleAnswered);
    metrics.put("healthyLinearizableLookups", healthyLin);
    metrics.put("healthyAvailability", healthyLin == 0 ? 1.0 : healthyOk / (double) healthyLin);
    metrics.put("faultedMajorityLookups", faultedLin);
    metrics.put(
        "faultedMajorityAvailability", faultedLin == 0 ? 1.0 : faultedOk / (double) faultedLin);
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty()
            ? recoveries.size()
                + " leader faults recovered within limits; minority calls failed fast"
            : violations.size() + " availability limits missed",
        metrics);
  }

  /** The first ok call invoked at or after {@code from} on a majority daemon: a read or write. */
  private static Op first(List<Op> ops, long from, long end, List<String> majority, boolean read) {
    Op best = null;
    for (Op op : ops) {
      if (op.invokeNanos() < from || op.invokeNanos() >= end || op.outcome() != Outcome.OK) {
        continue;
      }
      boolean matches =
          read
              ? op.linearizableRead()
                  && op.result().authoritative()
                  && majority.contains(op.daemon())
              : !op.kind().isRead();
      if (matches && (best == null || op.completeNanos() < best.completeNanos())) {
        best = op;
      }
    }
    return best;
  }
}
