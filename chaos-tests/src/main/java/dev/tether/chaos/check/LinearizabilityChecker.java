package dev.tether.chaos.check;

import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    int pruned = 0;
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      List<Op> kept = prune(e.getValue());
      pruned += e.getValue().size() - kept.size();
      e.setValue(kept);
    }
    List<String> violations = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("unknownOutcomesPruned", pruned);
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

  /**
   * Drops the operations with an unknown outcome that cannot have taken effect, so the search does
   * not branch on them (a kill-9 run leaves dozens per session, and each doubles the states the
   * search may visit). Dropping such an operation is sound because an unknown operation that did
   * not take effect constrains nothing:
   *
   * <ul>
   *   <li>an Open of a workload session with an unknown outcome has no effect in the model at all;
   *   <li>an unknown PutState expecting version {@code v} can only have made version {@code v + 1},
   *       and only one write makes each version. If an acknowledged PutState also expected {@code
   *       v}, or an acknowledged read showed version {@code v + 1} with other data, another write
   *       made it, so this one never applied.
   *   <li>of unknown PutStates with the same token and expected version whose data no read showed,
   *       at most one can have applied (each would make the same version), and which one cannot be
   *       told apart by any later operation: one stands for all, the earliest invoked (its window
   *       covers every other's, as an unknown operation may take effect any time after it began).
   * </ul>
   */
  static List<Op> prune(List<Op> ops) {
    Map<Long, Op> madeBy = new HashMap<>(); // version -> an acknowledged put that made it
    Map<Long, Set<String>> seen = new HashMap<>(); // version -> data read
    for (Op op : ops) {
      if (op.outcome() != Outcome.OK) {
        continue;
      }
      if (op.kind() == OpKind.PUT) {
        madeBy.put(op.request().version() + 1, op);
      } else if (op.kind() == OpKind.GET && op.result() != null && op.result().data() != null) {
        seen.computeIfAbsent(op.result().version(), v -> new HashSet<>()).add(op.result().data());
      }
    }
    Set<String> readData = new HashSet<>();
    seen.values().forEach(readData::addAll);
    Map<List<Long>, Op> standIns = new HashMap<>(); // (token, version) -> earliest unseen unknown
    for (Op op : ops) {
      if (op.outcome() == Outcome.INFO
          && op.kind() == OpKind.PUT
          && !readData.contains(op.request().data())) {
        standIns.merge(
            List.of(op.request().token(), op.request().version()),
            op,
            (a, b) -> b.invokeNanos() < a.invokeNanos() ? b : a);
      }
    }
    List<Op> kept = new ArrayList<>(ops.size());
    for (Op op : ops) {
      if (op.outcome() == Outcome.INFO) {
        if (op.kind() == OpKind.OPEN) {
          continue;
        }
        if (op.kind() == OpKind.PUT) {
          long made = op.request().version() + 1;
          Op other = madeBy.get(made);
          Set<String> data = seen.getOrDefault(made, Set.of());
          boolean otherData = data.stream().anyMatch(d -> !d.equals(op.request().data()));
          if ((other != null && other != op) || otherData) {
            continue;
          }
          Op standIn = standIns.get(List.of(op.request().token(), op.request().version()));
          if (standIn != null && standIn != op && !readData.contains(op.request().data())) {
            continue;
          }
        }
      }
      kept.add(op);
    }
    return kept;
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
