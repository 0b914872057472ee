package dev.tether.chaos.report;

import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of successful calls (HdrHistogram, microsecond resolution), per call type,
 * for the healthy phase (no fault in force at invocation) and the faulted phase.
 */
public final class Latency {
  /** Longest latency recorded, microseconds. */
  static final long MAX_MICROS = 60_000_000;

  private Latency() {}

  /** One histogram's percentiles, milliseconds. */
  public record Percentiles(
      long count, double p50, double p90, double p99, double p999, double max) {}

  /** phase -> call type -> percentiles. */
  public static Map<String, Map<String, Percentiles>> of(History h) {
    Map<String, Map<String, Histogram>> hists = new LinkedHashMap<>();
    List<FaultEvent> faults = h.faults();
    Long start = h.mark(History.MARK_WORKLOAD_START);
    Long stop = h.mark(History.MARK_WORKLOAD_STOP);
    for (Op op : h.ops()) {
      if (op.outcome() != Outcome.OK
          || (start != null && op.invokeNanos() < start)
          || (stop != null && op.invokeNanos() >= stop)) {
        continue;
      }
      boolean faulted = faults.stream().anyMatch(f -> f.covers(op.invokeNanos()));
      hists
          .computeIfAbsent(faulted ? "faulted" : "healthy", k -> new TreeMap<>())
          .computeIfAbsent(type(op), k -> new Histogram(MAX_MICROS, 3))
          .recordValue(Math.min(MAX_MICROS, Math.max(1, op.latencyNanos() / 1_000)));
    }
    Map<String, Map<String, Percentiles>> out = new LinkedHashMap<>();
    for (String phase : List.of("healthy", "faulted")) {
      Map<String, Percentiles> m = new TreeMap<>();
      for (Map.Entry<String, Histogram> e : hists.getOrDefault(phase, Map.of()).entrySet()) {
        Histogram x = e.getValue();
        m.put(
            e.getKey(),
            new Percentiles(
                x.getTotalCount(),
                ms(x.getValueAtPercentile(50)),
                ms(x.getValueAtPercentile(90)),
                ms(x.getValueAtPercentile(99)),
                ms(x.getValueAtPercentile(99.9)),
                ms(x.getMaxValue())));
      }
      out.put(phase, m);
    }
    return out;
  }

  static String type(Op op) {
    String base = op.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (op.kind() == OpKind.LOOKUP || op.kind() == OpKind.GET) {
      return base + (op.stale() ? "-stale" : "-lin");
    }
    return base;
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }
}
