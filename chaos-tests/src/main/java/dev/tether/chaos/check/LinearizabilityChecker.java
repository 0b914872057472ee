package dev.tether.chaos.check;

import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every workload session's history is linearizable against {@link SessionModel} (S1): checked per
 * session (P-compositionality: sessions are independent objects), in parallel, with {@link Wgl}.
 * Only authoritative reads take part; STALE reads are checked by {@link OwnerTokenChecker}.
 */
public final class LinearizabilityChecker implements Checker {
  /** Time budget of the search per session. */
  static final Duration BUDGET_PER_KEY = Duration.ofSeconds(20);

  @Override
  public String name() {
    return "linearizable";
  }

  @Override
  public CheckResult check(RunFacts run) {
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (String key : run.keys().keySet()) {
      byKey.put(key, new ArrayList<>());
    }
    for (Op op : run.history().ops()) {
      List<Op> list = byKey.get(op.key());
      if (list != null && SessionModel.relevant(op)) {
        list.add(op);
      }
    }
    List<String> violations = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    Map<String, Object> metrics = new LinkedHashMap<>();
    long steps = 0;
    int checked = 0;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Map<String, Future<Wgl.Result<SessionModel.State, Op>>> futures = new LinkedHashMap<>();
      for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
        SessionModel model = new SessionModel(run.keys().get(e.getKey()));
        List<Wgl.Call<Op>> calls = new ArrayList<>();
        for (Op op : e.getValue()) {
          long ret = op.outcome() == Outcome.INFO ? Long.MAX_VALUE : op.completeNanos();
          calls.add(new Wgl.Call<>(op, op.invokeNanos(), ret));
        }
        checked += calls.size();
        futures.put(e.getKey(), pool.submit(() -> Wgl.check(model, calls, BUDGET_PER_KEY)));
      }
      for (Map.Entry<String, Future<Wgl.Result<SessionModel.State, Op>>> e : futures.entrySet()) {
        Wgl.Result<SessionModel.State, Op> r = e.getValue().get();
        steps += r.steps();
        switch (r.verdict()) {
          case LINEARIZABLE -> {}
          case NOT_LINEARIZABLE -> violations.add(explain(e.getKey(), r));
          case UNKNOWN -> unknown.add(e.getKey());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CheckResult.inconclusive(name(), "interrupted", metrics);
    } catch (ExecutionException e) {
      return CheckResult.inconclusive(name(), "the search failed: " + e.getCause(), metrics);
    } finally {
      pool.shutdownNow();
    }
    metrics.put("operations", checked);
    metrics.put("sessions", byKey.size());
    metrics.put("searchSteps", steps);
    if (!unknown.isEmpty() && violations.isEmpty()) {
      return CheckResult.inconclusive(
          name(), "the search ran out of time on sessions " + unknown, metrics);
    }
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty()
            ? checked + " operations on " + byKey.size() + " sessions are linearizable"
            : violations.size() + " of " + byKey.size() + " sessions are not linearizable",
        metrics);
  }

  static String explain(String key, Wgl.Result<SessionModel.State, Op> r) {
    StringBuilder b = new StringBuilder();
    b.append("session ")
        .append(key)
        .append(": not linearizable; after ")
        .append(r.longestPrefix().size())
        .append(" operations (state ")
        .append(r.stateAfterPrefix())
        .append(") no order fits ")
        .append(Describe.op(r.blocked()));
    List<Op> prefix = r.longestPrefix();
    int from = Math.max(0, prefix.size() - 3);
    if (!prefix.isEmpty()) {
      b.append("; last linearized:");
      for (Op op : prefix.subList(from, prefix.size())) {
        b.append(' ').append(Describe.op(op)).append(';');
      }
    }
    return b.toString();
  }
}
