package dev.tether.bench.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns trials into medians, ratios and target verdicts; writes results.json and results.md. */
final class Report {
  private Report() {}

  /** One target of the issue and whether this run met it. */
  record Target(String name, String goal, String measured, Boolean met) {}

  static double median(List<Map<String, Object>> trials, String key) {
    List<Double> v = new ArrayList<>();
    if (trials != null) {
      for (Map<String, Object> t : trials) {
        Object o = t.get(key);
        if (o instanceof Number n) {
          v.add(n.doubleValue());
        }
      }
    }
    return Stats.median(v);
  }

  static double iqr(List<Map<String, Object>> trials, String key) {
    List<Double> v = new ArrayList<>();
    if (trials != null) {
      for (Map<String, Object> t : trials) {
        if (t.get(key) instanceof Number n) {
          v.add(n.doubleValue());
        }
      }
    }
    return Stats.iqr(v);
  }

  static List<Map<String, Object>> throughputJson(List<Throughput.Cell> cells) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Throughput.Cell c : cells) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scenario", c.scenario());
      m.put("grid", c.grid());
      m.put("conns", c.conns());
      m.put("in_flight_per_conn", c.inFlight());
      Map<String, Object> sys = new LinkedHashMap<>();
      for (var e : c.trials().entrySet()) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("median_ops_per_sec", Stats.round(median(e.getValue(), "ops_per_sec"), 1));
        s.put("iqr_ops_per_sec", Stats.round(iqr(e.getValue(), "ops_per_sec"), 1));
        s.put("median_p50_us", median(e.getValue(), "p50_us"));
        s.put("median_p99_us", median(e.getValue(), "p99_us"));
        s.put("trials", e.getValue());
        sys.put(e.getKey(), s);
      }
      m.put("systems", sys);
      double t = median(c.trials().get("tether"), "ops_per_sec");
      double e = median(c.trials().get("etcd"), "ops_per_sec");
      Map<String, Object> ratio = new LinkedHashMap<>();
      ratio.put("ops_tether_over_etcd", Stats.round(t / e, 3));
      ratio.put(
          "p50_tether_over_etcd",
          Stats.round(
              median(c.trials().get("tether"), "p50_us") / median(c.trials().get("etcd"), "p50_us"),
              3));
      ratio.put(
          "p99_tether_over_etcd",
          Stats.round(
              median(c.trials().get("tether"), "p99_us") / median(c.trials().get("etcd"), "p99_us"),
              3));
      if (c.trials().containsKey("echo")) {
        ratio.put(
            "ops_tether_over_echo",
            Stats.round(t / median(c.trials().get("echo"), "ops_per_sec"), 3));
        ratio.put(
            "ops_etcd_over_echo",
            Stats.round(e / median(c.trials().get("echo"), "ops_per_sec"), 3));
      }
      m.put("ratios", ratio);
      out.add(m);
    }
    return out;
  }

  static String throughputMd(List<Throughput.Cell> cells) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| scenario | conns × in flight | system | median ops/s (IQR) | p50 µs | p99 µs | errors |"
            + " ratio ops T/etcd | ratio p50 T/etcd | loads (1-min) |\n");
    b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Throughput.Cell c : cells) {
      double tOps = median(c.trials().get("tether"), "ops_per_sec");
      double eOps = median(c.trials().get("etcd"), "ops_per_sec");
      double tP50 = median(c.trials().get("tether"), "p50_us");
      double eP50 = median(c.trials().get("etcd"), "p50_us");
      for (var e : c.trials().entrySet()) {
        List<Map<String, Object>> ts = e.getValue();
        long errors = 0;
        List<String> loads = new ArrayList<>();
        for (Map<String, Object> t : ts) {
          errors += ((Number) t.get("errors")).longValue();
          @SuppressWarnings("unchecked")
          Map<String, Object> q = (Map<String, Object>) t.get("check");
          loads.add(
              String.format("%.2f", ((Number) q.get("load1")).doubleValue())
                  + (Boolean.TRUE.equals(q.get("quiet")) ? "" : "!"));
        }
        boolean first = e.getKey().equals("tether");
        b.append(
            String.format(
                "| %s | %s | %s | %,.0f (%,.0f) | %,.0f | %,.0f | %d | %s | %s | %s |%n",
                c.scenario(),
                c.grid(),
                e.getKey(),
                median(ts, "ops_per_sec"),
                iqr(ts, "ops_per_sec"),
                median(ts, "p50_us"),
                median(ts, "p99_us"),
                errors,
                first ? String.format("**%.2f×**", tOps / eOps) : "",
                first ? String.format("%.2f×", tP50 / eP50) : "",
                String.join(" ", loads)));
      }
    }
    b.append(
        "\nLoads are the 1-minute load average before each trial, in trial order; `!` marks a"
            + " trial that ran after the quiet check gave up waiting.\n");
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  static String failoverMd(List<Map<String, Object>> configs) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| system | trials | median max gap ms | min–max ms | steady run: term increments /"
            + " writes / failed |\n|---|---:|---:|---|---|\n");
    for (Map<String, Object> c : configs) {
      List<Map<String, Object>> trials = (List<Map<String, Object>>) c.get("trials");
      String steady = "";
      if (c.get("steady") instanceof Map<?, ?> st) {
        steady =
            String.format(
                "%s in %s s / %s / %s",
                st.get("term_increments"),
                st.get("seconds"),
                st.get("writes"),
                st.get("failed_writes"));
      }
      b.append(
          String.format(
              "| %s | %d | %s | %s–%s | %s |%n",
              c.get("system"),
              trials.size(),
              c.get("median_gap_ms"),
              c.get("min_gap_ms"),
              c.get("max_gap_ms"),
              steady));
    }
    b.append(
        "\nOne writer, one write in flight, each bounded by "
            + Failover.OP_TIMEOUT_MS
            + " ms, through each system's own client (TetherClient; jetcd with all endpoints);"
            + " the leader is killed with SIGKILL "
            + Failover.BEFORE_KILL_MS
            + " ms into the trial and restarted after it. Gap = the largest time between two"
            + " consecutive successful writes. Term increments count elections that started a new"
            + " term (Ratis runs a pre-vote first, so a failed pre-vote adds none; etcd 3.4 has"
            + " pre-vote off by default).\n");
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  static String nodeFailureMd(List<Map<String, Object>> rows, int ttlMs) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| sessions | trial | Tether: DOWN after ms | rehomed after DOWN ms | total ms |"
            + " etcd: all keys deleted after ms |\n|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> r : rows) {
      Map<String, Object> t = (Map<String, Object>) r.get("tether");
      Map<String, Object> e = (Map<String, Object>) r.get("etcd");
      b.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s |%n",
              t.get("sessions_on_node"),
              r.get("trial"),
              t.get("detect_ms"),
              t.get("rehome_ms"),
              t.get("total_ms"),
              e.get("total_ms")));
    }
    b.append(
        "\nLease TTL "
            + ttlMs
            + " ms (Tether ring policy; etcd lease TTL rounded up to whole seconds, at least 2 s)."
            + " Times are from the last confirmed renewal. Tether commits the node DOWN, then"
            + " moves every session to a live node with a new fencing token; etcd only deletes"
            + " the keys (owners would still have to be chosen and written).\n");
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  static String scaleMd(Map<String, Object> s) {
    StringBuilder b = new StringBuilder();
    b.append("| quantity | value |\n|---|---|\n");
    b.append(
        row("sessions pinned (target)", s.get("sessions") + " (" + s.get("target_sessions") + ")"));
    b.append(
        row(
            "load time s / opens per s",
            s.get("load_seconds") + " / " + s.get("load_opens_per_sec")));
    b.append(
        row(
            "every daemon applied the load, s after its last answer",
            s.get("followers_applied_after_load_s")));
    for (String g : List.of("linearizable_1x1", "linearizable_4x256", "stale_1x1", "stale_4x256")) {
      if (s.get("lookup_" + g) instanceof Map<?, ?> m) {
        b.append(
            row(
                g.replace('_', ' ') + " lookups: ops/s, p50 µs, p99 µs",
                m.get("ops_per_sec") + ", " + m.get("p50_us") + ", " + m.get("p99_us")));
      }
    }
    if (s.get("daemons") instanceof List<?> ds) {
      for (Object o : ds) {
        Map<String, Object> d = (Map<String, Object>) o;
        b.append(
            row(
                d.get("daemon") + ": heap after full GC MiB, disk MiB",
                String.format(
                    "%.0f, %.0f",
                    ((Number) d.get("heap_used_after_gc_bytes")).doubleValue() / (1 << 20),
                    ((Number) d.get("disk_bytes")).doubleValue() / (1 << 20))));
      }
    }
    b.append(
        row("new daemon: AddDaemon returned after s", s.get("catch_up_add_daemon_returned_s")));
    b.append(row("new daemon: applied the ring's commit index after s", s.get("catch_up_s")));
    return b.toString();
  }

  private static String row(String k, Object v) {
    return "| " + k + " | " + v + " |\n";
  }

  static void write(Ctx ctx, Throughput tp) throws IOException {
    if (tp != null && !tp.cells().isEmpty()) {
      ctx.md.put("throughput", throughputMd(tp.cells()));
    }
    ctx.results.put("targets", ctx.targets);
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.writeString(ctx.opt.out.resolve("results.json"), om.writeValueAsString(ctx.results));
    StringBuilder md = new StringBuilder();
    for (var e : ctx.md.entrySet()) {
      md.append("### ").append(e.getKey()).append("\n\n").append(e.getValue()).append('\n');
    }
    if (!ctx.targets.isEmpty()) {
      md.append("### targets\n\n| target | goal | measured | met |\n|---|---|---|---|\n");
      for (Target t : ctx.targets) {
        md.append(
            String.format(
                "| %s | %s | %s | %s |%n",
                t.name(),
                t.goal(),
                t.measured(),
                t.met() == null ? "n/a" : t.met() ? "yes" : "**no**"));
      }
    }
    Files.writeString(ctx.opt.out.resolve("results.md"), md.toString());
  }
}
