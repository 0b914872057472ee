package dev.tether.bench.peers;

import java.util.List;
import java.util.Map;

/** The targets, each judged from this run's own figures. */
final class Targets {
  private Targets() {}

  @SuppressWarnings("unchecked")
  static void evaluate(Ctx ctx, List<Throughput.Cell> cells) {
    List<Report.Target> out = ctx.targets;
    out.clear();
    if (cells != null) {
      ratio(out, cells, "write", "4x256", "ops", "writes 4×256 ops/s Tether/etcd", 3.0, true);
      ratio(out, cells, "write", "1x1", "p50", "write p50 1×1 Tether/etcd", 1.0, false);
      ratio(
          out,
          cells,
          "lookup-linearizable",
          "4x256",
          "ops",
          "linearizable lookups 4×256 Tether/etcd",
          3.0,
          true);
      ratio(
          out,
          cells,
          "lookup-linearizable",
          "4x256",
          "echo",
          "linearizable lookups 4×256 Tether/echo ceiling",
          0.6,
          true);
      ratio(out, cells, "cas", "4x256", "ops", "CAS 4×256 Tether/etcd Txn", 2.0, true);
    }
    if (ctx.results.get("failover") instanceof List<?> fo && fo.size() >= 2) {
      Map<String, Object> t = (Map<String, Object>) fo.get(0);
      Map<String, Object> e = (Map<String, Object>) fo.get(1);
      double r = num(t.get("median_gap_ms")) / num(e.get("median_gap_ms"));
      out.add(
          new Report.Target(
              "failover median gap: " + t.get("system") + " / " + e.get("system"),
              "≤ 0.5×",
              String.format(
                  "%.2f× (%s / %s ms)", r, t.get("median_gap_ms"), e.get("median_gap_ms")),
              r <= 0.5));
      if (t.get("steady") instanceof Map<?, ?> st) {
        long inc = (long) num(st.get("term_increments"));
        out.add(
            new Report.Target(
                "spurious elections in the steady run (" + t.get("system") + ")",
                "0",
                inc + " in " + st.get("seconds") + " s",
                inc == 0));
      }
    }
    if (ctx.results.get("node_failure") instanceof List<?> nf) {
      int ttl = ctx.opt.leaseTtlMs;
      double worstTotal = 0;
      double worstBig = -1;
      long big = 0;
      boolean complete = true;
      for (Object o : nf) {
        Map<String, Object> row = (Map<String, Object>) o;
        Map<String, Object> t = (Map<String, Object>) row.get("tether");
        if (t.get("total_ms") == null) {
          complete = false;
          continue;
        }
        worstTotal = Math.max(worstTotal, num(t.get("total_ms")));
        long n = (long) num(t.get("sessions_on_node"));
        if (n >= big) {
          if (n > big) {
            worstBig = -1;
          }
          big = n;
          worstBig = Math.max(worstBig, num(t.get("rehome_ms")));
        }
      }
      out.add(
          new Report.Target(
              "node failure: last renewal → all sessions rehomed (worst trial)",
              "≤ TTL + 500 ms = " + (ttl + 500) + " ms",
              complete ? String.format("%.0f ms", worstTotal) : "not all trials completed",
              complete && worstTotal <= ttl + 500));
      out.add(
          new Report.Target(
              "node failure: rehome of " + big + " sessions after DOWN (worst trial)",
              big >= 100_000
                  ? "≤ 1000 ms (100k sessions)"
                  : "≤ 1000 ms at 100k (run had " + big + ")",
              String.format("%.0f ms", worstBig),
              big >= 100_000 ? worstBig <= 1000 : null));
    }
    if (ctx.results.get("scale") instanceof Map<?, ?> sc) {
      long n = (long) num(sc.get("sessions"));
      String at = " at " + n + " sessions";
      boolean full = n >= 10_000_000;
      for (String c : List.of("linearizable", "stale")) {
        if (sc.get("lookup_" + c + "_1x1") instanceof Map<?, ?> l) {
          double p99 = num(l.get("p99_us")) / 1000;
          out.add(
              new Report.Target(
                  "lookup p99 (1×1, " + c + ")" + at,
                  "≤ 2 ms at 10M",
                  String.format("%.2f ms", p99),
                  full ? (Boolean) (p99 <= 2) : null));
        }
      }
      if (sc.get("daemons") instanceof List<?> ds) {
        double heap = 0;
        for (Object o : ds) {
          heap = Math.max(heap, num(((Map<String, Object>) o).get("heap_used_after_gc_bytes")));
        }
        out.add(
            new Report.Target(
                "largest daemon heap after GC" + at,
                "≤ 1 GiB at 10M",
                String.format("%.0f MiB", heap / (1 << 20)),
                full ? (Boolean) (heap <= (1L << 30)) : null));
      }
      double cu = num(sc.get("catch_up_s"));
      out.add(
          new Report.Target(
              "new daemon catch-up through a snapshot" + at,
              "≤ 60 s at 10M",
              String.format("%.1f s", cu),
              full ? (Boolean) (cu <= 60) : null));
    }
  }

  private static void ratio(
      List<Report.Target> out,
      List<Throughput.Cell> cells,
      String scenario,
      String grid,
      String what,
      String name,
      double goal,
      boolean atLeast) {
    for (Throughput.Cell c : cells) {
      if (!c.scenario().equals(scenario) || !c.grid().equals(grid)) {
        continue;
      }
      var t = c.trials().get("tether");
      var other = c.trials().get(what.equals("echo") ? "echo" : "etcd");
      if (t == null || other == null) {
        return;
      }
      String key = what.equals("p50") ? "p50_us" : "ops_per_sec";
      double a = Report.median(t, key);
      double b = Report.median(other, key);
      double r = a / b;
      out.add(
          new Report.Target(
              name,
              (atLeast ? "≥ " : "≤ ") + goal + "×",
              String.format("%.2f× (%,.0f vs %,.0f)", r, a, b),
              atLeast ? r >= goal : r <= goal));
      return;
    }
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
