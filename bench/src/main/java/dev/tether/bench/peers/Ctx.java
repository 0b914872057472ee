package dev.tether.bench.peers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every phase shares: options, processes, the quiet check, where to write, the results. */
final class Ctx {
  final Options opt;
  final Procs procs;
  final Quiet quiet;
  final String javaBin;
  final String daemonClasspath;
  final String benchClasspath;
  final Map<String, Object> results = new LinkedHashMap<>();
  final List<Report.Target> targets = new ArrayList<>();

  /** Markdown sections of the report, by phase, in run order. */
  final Map<String, String> md = new LinkedHashMap<>();

  private final PrintStream log;

  Ctx(Options opt, Procs procs, String javaBin, String benchClasspath, String daemonClasspath)
      throws IOException {
    this.opt = opt;
    this.procs = procs;
    this.quiet = new Quiet(procs::pids, opt.quietWaitMs);
    this.javaBin = javaBin;
    this.benchClasspath = benchClasspath;
    this.daemonClasspath = daemonClasspath;
    Files.createDirectories(opt.out);
    this.log =
        new PrintStream(
            Files.newOutputStream(opt.out.resolve("run.log")), true, StandardCharsets.UTF_8);
  }

  /** A step that may throw. */
  interface Step {
    void run() throws Exception;
  }

  /** Phases that failed, with why. */
  final Map<String, String> failures = new LinkedHashMap<>();

  /** Runs one phase; a failure is recorded and reported, and the run goes on with the next. */
  void guard(String phase, Step step) {
    say("=== %s", phase);
    try {
      step.run();
    } catch (Exception | AssertionError e) {
      failures.put(phase, String.valueOf(e));
      say("%s FAILED: %s", phase, e);
      e.printStackTrace(System.out);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A progress line, to stdout and run.log. */
  void say(String fmt, Object... args) {
    String line = Instant.now().toString().substring(11, 19) + " " + String.format(fmt, args);
    System.out.println(line);
    log.println(line);
  }

  /** A fresh work directory for one cluster (deleted first if it exists). */
  Path freshDir(String name) throws IOException {
    Path d = opt.work.resolve(name);
    deleteTree(d);
    Files.createDirectories(d);
    return d;
  }

  static void deleteTree(Path d) throws IOException {
    if (!Files.exists(d)) {
      return;
    }
    try (var walk = Files.walk(d)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Where every process's log goes (kept after the run). */
  Path logDir() throws IOException {
    Path d = opt.out.resolve("logs");
    Files.createDirectories(d);
    return d;
  }

  /** Daemon JVM options: the same for every daemon of every phase. */
  List<String> daemonJvmArgs() throws IOException {
    List<String> a =
        new ArrayList<>(List.of(opt.daemonHeap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError"));
    a.addAll(opt.daemonJvmArgs);
    if (opt.jfr) {
      a.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + logDir().resolve("daemon-%p.jfr"));
    }
    return a;
  }

  TetherRegion region(String name, Map<String, String> overrides) throws IOException {
    return new TetherRegion(
        procs,
        freshDir(name),
        logDir(),
        opt.tetherBase,
        javaBin,
        daemonClasspath,
        daemonJvmArgs(),
        overrides);
  }

  EtcdCluster etcd(String name, int heartbeatMs, int electionMs) throws IOException {
    return new EtcdCluster(procs, freshDir(name), logDir(), opt.etcdBase, heartbeatMs, electionMs);
  }

  static Map<String, Object> quietMap(Quiet.Check q) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("quiet", q.quiet());
    m.put("load1", q.load1());
    m.put("load5", q.load5());
    m.put("load15", q.load15());
    m.put("foreign_cores", Double.isNaN(q.foreignCores()) ? null : q.foreignCores());
    m.put("foreign_benchmarks", q.foreignBenchmarks());
    m.put("waited_ms", q.waitedMs());
    return m;
  }
}
