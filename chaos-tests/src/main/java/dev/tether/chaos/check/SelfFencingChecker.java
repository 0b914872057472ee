package dev.tether.chaos.check;

import dev.tether.chaos.history.AgentEvent;
import dev.tether.chaos.history.NodeSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Self-fencing: a node whose lease expired had stopped serving before its sessions could be given
 * to another node. For every time the leader marked a node DOWN (its {@code state_changed_ms}, the
 * leader's clock: sessions move only after it), the node's agent must already have told its
 * application to stop (onFence, or never started / stopped). Agent and leader clocks are the same
 * machine's wall clock.
 */
public final class SelfFencingChecker implements Checker {
  /** Clock resolution allowed when comparing agent and leader times, nanoseconds. */
  static final long EPSILON_NANOS = 2_000_000;

  @Override
  public String name() {
    return "self-fencing";
  }

  @Override
  public CheckResult check(RunFacts run) {
    Map<String, TreeMap<Long, Boolean>> serving = new LinkedHashMap<>();
    for (AgentEvent e : run.history().agentEvents()) {
      Boolean s =
          switch (e.event()) {
            case AgentEvent.STARTED, AgentEvent.UNFENCED -> true;
            case AgentEvent.FENCED, AgentEvent.STOPPED, AgentEvent.START_FAILED -> false;
            default -> null;
          };
      if (s != null) {
        serving.computeIfAbsent(e.node(), k -> new TreeMap<>()).put(e.nanos(), s);
      }
    }
    Map<String, TreeSet<Long>> downs = new LinkedHashMap<>();
    for (NodeSample s : run.history().nodeSamples()) {
      if (s.state().equals("DOWN")) {
        downs.computeIfAbsent(s.node(), k -> new TreeSet<>()).add(s.stateChangedNanos());
      }
    }
    List<String> violations = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, TreeSet<Long>> d : downs.entrySet()) {
      TreeMap<Long, Boolean> lane = serving.getOrDefault(d.getKey(), new TreeMap<>());
      for (long down : d.getValue()) {
        checked++;
        Map.Entry<Long, Boolean> before = lane.floorEntry(down + EPSILON_NANOS);
        if (before != null && before.getValue()) {
          Map.Entry<Long, Boolean> fence = lane.higherEntry(down + EPSILON_NANOS);
          String late =
              fence == null
                  ? "it never fenced"
                  : "it fenced " + (fence.getKey() - down) / 1_000_000 + " ms later";
          violations.add(
              "node "
                  + d.getKey()
                  + " was marked DOWN at "
                  + Describe.at(down)
                  + " while its agent was serving (since "
                  + Describe.at(before.getKey())
                  + "); "
                  + late);
        }
      }
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("leaseExpiries", checked);
    metrics.put(
        "fences",
        run.history().agentEvents().stream()
            .filter(e -> e.event().equals(AgentEvent.FENCED))
            .count());
    return CheckResult.of(
        name(),
        violations,
        violations.isEmpty()
            ? "every one of " + checked + " lease expiries found its node already fenced"
            : violations.size() + " nodes were expired while still serving",
        metrics);
  }
}
