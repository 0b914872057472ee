package dev.tether.chaos.check;

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
 * No acknowledged write is lost (S3, S7), read back after the final heal and a kill -9 of every
 * daemon: every session's final state (LINEARIZABLE reads from every daemon, which must agree) has
 * at least the version of every acknowledged PutState, and the data of the one acknowledged at that
 * version; no two acknowledged PutStates got the same version; every session an acknowledged Open
 * created still exists.
 */
public final class LostAckChecker implements Checker {
  @Override
  public String name() {
    return "no-lost-writes";
  }

  @Override
  public CheckResult check(RunFacts run) {
    Long from = run.history().mark(History.MARK_FINAL_READS);
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (from == null) {
      return CheckResult.inconclusive(name(), "the run did not reach its final reads", metrics);
    }
    List<String> violations = new ArrayList<>();
    Map<String, Op> finals = new HashMap<>();
    Map<String, Op> finalLookups = new HashMap<>();
    Map<String, Map<Long, Op>> acked = new HashMap<>();
    List<Op> opens = new ArrayList<>();
    // Final reads the region refused with NOT_FOUND (the session or its whole ring is unknown).
    Map<String, Op> lastNotFound = new HashMap<>();
    for (Op op : run.history().ops()) {
      boolean isFinal = op.invokeNanos() >= from;
      if (isFinal
          && op.kind() == OpKind.GET
          && op.outcome() != Outcome.OK
          && op.error().startsWith("NOT_FOUND")) {
        lastNotFound.put(op.key(), op);
      } else if (isFinal && op.kind() == OpKind.GET && op.outcome() == Outcome.OK) {
        Op prev = finals.putIfAbsent(op.key(), op);
        if (prev != null
            && (prev.result().version() != op.result().version()
                || !prev.result().data().equals(op.result().data()))) {
          violations.add(
              "session "
                  + op.key()
                  + ": daemons disagree after the final restart: "
                  + Describe.op(prev)
                  + " vs "
                  + Describe.op(op));
        }
      } else if (isFinal && op.kind() == OpKind.LOOKUP) {
        if (op.outcome() == Outcome.OK) {
          finalLookups.put(op.key(), op);
        } else if (op.error().startsWith("NOT_FOUND")) {
          lastNotFound.put(op.key(), op);
        }
      } else if (!isFinal && op.kind() == OpKind.PUT && op.outcome() == Outcome.OK) {
        Op prev =
            acked
                .computeIfAbsent(op.key(), k -> new HashMap<>())
                .putIfAbsent(op.result().version(), op);
        if (prev != null) {
          violations.add(
              "session "
                  + op.key()
                  + ": two writes acknowledged as version "
                  + op.result().version()
                  + ": "
                  + Describe.op(prev)
                  + " and "
                  + Describe.op(op));
        }
      } else if (!isFinal && op.kind() == OpKind.OPEN_NEW && op.outcome() == Outcome.OK) {
        opens.add(op);
      }
    }
    List<String> unread = new ArrayList<>();
    for (String key : run.keys().keySet()) {
      Op f = finals.get(key);
      if (f == null && lastNotFound.containsKey(key)) {
        // Every workload session was opened, acknowledged, before the run; a region serving again
        // that does not know it lost it (and every acknowledged write of it).
        violations.add(
            "session "
                + key
                + " is gone after the final restart, with "
                + acked.getOrDefault(key, Map.of()).size()
                + " acknowledged writes: "
                + Describe.op(lastNotFound.get(key)));
        continue;
      }
      if (f == null) {
        unread.add(key);
        continue;
      }
      for (Op put : acked.getOrDefault(key, Map.of()).values()) {
        long v = put.result().version();
        if (f.result().version() < v) {
          violations.add(
              "session "
                  + key
                  + ": acknowledged version "
                  + v
                  + " lost, final version is "
                  + f.result().version()
                  + ": "
                  + Describe.op(put));
        } else if (f.result().version() == v && !f.result().data().equals(put.request().data())) {
          violations.add(
              "session "
                  + key
                  + ": final data at version "
                  + v
                  + " is "
                  + f.result().data()
                  + ", not the acknowledged "
                  + put.request().data());
        }
      }
    }
    int openLost = 0;
    for (Op open : opens) {
      Op l = finalLookups.get(open.key());
      if ((l != null && !l.result().pinned())
          || (l == null && lastNotFound.containsKey(open.key()))) {
        openLost++;
        violations.add(
            "session "
                + open.key()
                + " opened with an acknowledgement is gone: "
                + Describe.op(open));
      }
    }
    long unverified =
        opens.stream()
            .filter(o -> !finalLookups.containsKey(o.key()) && !lastNotFound.containsKey(o.key()))
            .count();
    metrics.put("ackedWrites", acked.values().stream().mapToInt(Map::size).sum());
    metrics.put("ackedOpens", opens.size());
    metrics.put("opensLost", openLost);
    metrics.put("sessionsRead", finals.size());
    if (violations.isEmpty() && (!unread.isEmpty() || unverified > 0)) {
      return CheckResult.inconclusive(
          name(),
          "could not read back sessions "
              + unread
              + (unverified > 0 ? " and " + unverified + " opened sessions" : "")
              + " after the final restart",
          metrics);
    }
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty()
            ? "every acknowledged write and open survived the final kill -9 of every daemon"
            : violations.size() + " acknowledged writes lost",
        metrics);
  }
}
