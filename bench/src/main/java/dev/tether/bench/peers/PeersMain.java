package dev.tether.bench.peers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tether side by side with etcd on this machine, in one run: {@code bench/run.sh [--quick] [--out
 * DIR]} (which builds, installs etcd if missing, and calls this). Prints each trial as it ends,
 * then the tables; writes {@code results.json}, {@code results.md} and {@code throughput.png} to
 * the output directory. Every process started is stopped by its pid at the end, also on failure.
 */
public final class PeersMain {
  private PeersMain() {}

  /** Jars of the load generator that the daemons must not see (another gRPC and Netty). */
  static final List<String> NOT_FOR_DAEMONS =
      List.of(
          "/io/etcd/",
          "/io/vertx/",
          "/io/netty/",
          "/io/grpc/grpc-netty/",
          "/dev/failsafe/",
          "/org/openjdk/jmh/",
          "/net/spy/",
          "/org/hdrhistogram/",
          "/net/sf/jopt-simple/",
          "/org/apache/commons/commons-math3/");

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    String benchCp = System.getProperty("java.class.path");
    List<String> daemonCp = new ArrayList<>();
    for (String e : benchCp.split(File.pathSeparator)) {
      if (NOT_FOR_DAEMONS.stream().noneMatch(e::contains)) {
        daemonCp.add(e);
      }
    }
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int rc = 0;
    Files.createDirectories(opt.out);
    try (Procs procs = new Procs(opt.out.resolve("pids.txt"))) {
      Ctx ctx = new Ctx(opt, procs, javaBin, benchCp, String.join(File.pathSeparator, daemonCp));
      rc = run(ctx, args);
    } finally {
      Ctx.deleteTree(opt.work);
    }
    System.exit(rc);
  }

  private static int run(Ctx ctx, String[] args) throws Exception {
    Options opt = ctx.opt;
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("started", Instant.now().toString());
    meta.put("command", "bench/run.sh " + String.join(" ", args));
    meta.put("mode", opt.quick ? "quick" : "full");
    meta.put("machine", Machine.describe());
    meta.put("trials_per_cell", opt.trials);
    meta.put("warmup_ms", opt.warmupMs);
    meta.put("measure_ms", opt.measureMs);
    ctx.results.put("meta", meta);
    ctx.say("waiting for a quiet machine (1-minute load < %.1f)", Quiet.START_LOAD_MAX);
    Quiet.Check start = ctx.quiet.awaitStart();
    meta.put("start_check", Ctx.quietMap(start));
    ctx.say(
        "start: load %.2f %.2f %.2f%s",
        start.load1(),
        start.load5(),
        start.load15(),
        start.quiet() ? "" : " (NOT QUIET: waited the maximum)");
    Throughput tp = new Throughput(ctx);
    try {
      if (opt.phases.contains("throughput")
          || opt.phases.contains("membership")
          || opt.phases.contains("nodefail")) {
        ctx.guard("shared clusters", tp::run);
        finish(ctx, tp);
      }
      if (opt.phases.contains("failover") || opt.phases.contains("steady")) {
        ctx.guard("failover", () -> new Failover(ctx).run());
        finish(ctx, tp);
      }
      if (opt.phases.contains("scale")) {
        ctx.guard("scale", () -> new Scale(ctx).run());
      }
    } finally {
      meta.put("finished", Instant.now().toString());
      meta.put("failures", ctx.failures);
      finish(ctx, tp);
    }
    System.out.println();
    System.out.println(Files.readString(opt.out.resolve("results.md")));
    int failures = ctx.failures.size();
    return failures == 0 ? 0 : 1;
  }

  /** Targets, chart and report files from what has run so far. */
  private static void finish(Ctx ctx, Throughput tp) throws java.io.IOException {
    Targets.evaluate(ctx, tp.cells());
    if (!tp.cells().isEmpty()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = (Map<String, Object>) ctx.results.get("meta");
      Chart.write(
          tp.cells(),
          "Tether vs etcd "
              + ((Map<?, ?>) meta.get("machine")).get("etcd")
              + ", one run, "
              + meta.get("started")
              + ", "
              + meta.get("mode")
              + " mode",
          ctx.opt.out.resolve("throughput.png"));
    }
    Report.write(ctx, tp);
  }
}
