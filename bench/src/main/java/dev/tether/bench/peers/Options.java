package dev.tether.bench.peers;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The run's settings: {@code --quick} picks the reduced grid; everything else has a default. Every
 * duration and count here bounds a loop of the harness.
 */
final class Options {
  /** Phases, in run order. */
  static final List<String> PHASES =
      List.of("throughput", "membership", "failover", "steady", "nodefail", "scale");

  boolean quick;
  Path out = Path.of("bench-out/peers");
  Path work = Path.of("/tmp/tether-peers");
  Set<String> phases = new LinkedHashSet<>(PHASES);
  int trials = 5;
  long warmupMs = 2_000;

  /**
   * Warm-up of each system's first trial of a throughput cell: long enough for the JIT to finish
   * compiling the cell's code paths (under write load it still took 30 % of the CPU a minute after
   * the daemons started; docs/performance.md Run E). etcd has nothing to compile.
   */
  long firstWarmupMs = 15_000;

  long measureMs = 6_000;
  long quietWaitMs = 600_000;
  int keys = 100_000;
  int failoverTrials = 10;
  long steadyMs = 300_000;
  int membershipChanges = 20;
  List<Integer> nodeFailSessions = List.of(1_000, 100_000);
  int nodeFailTrials = 3;
  int leaseTtlMs = 2_000;
  long scaleSessions = 10_000_000;
  long scaleLoadMs = 600_000;
  int tetherElectionMs = 1_000;
  int failoverElectionMs = 300;
  int tetherBase = 17_600;
  int etcdBase = 21_379;
  int echoPort = 17_700;
  String daemonHeap = "-Xmx2g";

  /** Extra JVM options for every daemon (diagnostics, e.g. a logback file). */
  List<String> daemonJvmArgs = new java.util.ArrayList<>();

  /** Record a JFR profile of every daemon into the log directory (profiling runs only). */
  boolean jfr;

  /** Throughput scenarios to run (all by default). */
  List<String> scenarios = List.of("write", "cas", "lookup-linearizable", "lookup-stale");

  /** Overrides the grid of every scenario, e.g. {@code 1x1,4x256}; null keeps the defaults. */
  List<int[]> gridOverride;

  /** Systems of the throughput phase (tether, etcd, echo); all by default. */
  Set<String> systems = new LinkedHashSet<>(List.of("tether", "etcd", "echo"));

  /** Extra {@code --set key=value} overrides for every Tether daemon. */
  java.util.Map<String, String> tetherSet = new java.util.LinkedHashMap<>();

  static Options parse(String[] args) {
    Options o = new Options();
    for (String a : args) {
      if (a.equals("--quick")) {
        o.quick();
      }
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--quick")) {
        continue;
      }
      if (a.equals("--jfr")) {
        o.jfr = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--out" -> o.out = Path.of(v);
        case "--work" -> o.work = Path.of(v);
        case "--only" -> {
          o.phases = new LinkedHashSet<>();
          for (String p : v.split(",")) {
            if (!PHASES.contains(p)) {
              throw new IllegalArgumentException("unknown phase " + p + "; phases: " + PHASES);
            }
            o.phases.add(p);
          }
        }
        case "--trials" -> o.trials = bounded(a, Integer.parseInt(v), 1, 50);
        case "--measure-ms" -> o.measureMs = bounded(a, Long.parseLong(v), 500, 120_000);
        case "--warmup-ms" -> o.warmupMs = bounded(a, Long.parseLong(v), 0, 60_000);
        case "--first-warmup-ms" -> o.firstWarmupMs = bounded(a, Long.parseLong(v), 0, 120_000);
        case "--quiet-wait-s" -> o.quietWaitMs = 1000 * bounded(a, Long.parseLong(v), 0, 3_600);
        case "--keys" -> o.keys = bounded(a, Integer.parseInt(v), 100, 10_000_000);
        case "--failover-trials" -> o.failoverTrials = bounded(a, Integer.parseInt(v), 1, 50);
        case "--steady-s" -> o.steadyMs = 1000 * bounded(a, Long.parseLong(v), 5, 3_600);
        case "--scale-sessions" ->
            o.scaleSessions = bounded(a, Long.parseLong(v), 1_000, 100_000_000);
        case "--scale-load-s" -> o.scaleLoadMs = 1000 * bounded(a, Long.parseLong(v), 5, 3_600);
        case "--failover-election-ms" ->
            o.failoverElectionMs = bounded(a, Integer.parseInt(v), 150, 30_000);
        case "--nodefail-sessions" -> {
          List<Integer> sizes = new java.util.ArrayList<>();
          for (String n : v.split(",")) {
            sizes.add(bounded(a, Integer.parseInt(n), 1, 10_000_000));
          }
          o.nodeFailSessions = List.copyOf(sizes);
        }
        case "--nodefail-trials" -> o.nodeFailTrials = bounded(a, Integer.parseInt(v), 1, 50);
        case "--lease-ttl-ms" -> o.leaseTtlMs = bounded(a, Integer.parseInt(v), 500, 60_000);
        case "--daemon-heap" -> o.daemonHeap = v;
        case "--daemon-jvm-arg" -> o.daemonJvmArgs.add(v);
        case "--scenarios" -> o.scenarios = List.of(v.split(","));
        case "--systems" -> o.systems = new LinkedHashSet<>(List.of(v.split(",")));
        case "--grid" -> {
          o.gridOverride = new java.util.ArrayList<>();
          for (String g : v.split(",")) {
            String[] cx = g.split("x");
            o.gridOverride.add(
                new int[] {
                  bounded(a, Integer.parseInt(cx[0]), 1, 64),
                  bounded(a, Integer.parseInt(cx[1]), 1, 4096)
                });
          }
        }
        case "--tether-set" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--tether-set needs key=value, got " + v);
          }
          o.tetherSet.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    return o;
  }

  private void quick() {
    quick = true;
    trials = 2;
    warmupMs = 1_000;
    firstWarmupMs = 3_000;
    measureMs = 3_000;
    quietWaitMs = 20_000;
    keys = 10_000;
    failoverTrials = 3;
    steadyMs = 20_000;
    membershipChanges = 5;
    nodeFailSessions = List.of(1_000, 10_000);
    nodeFailTrials = 1;
    scaleSessions = 200_000;
    scaleLoadMs = 30_000;
  }

  private static long bounded(String name, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          name + " is " + v + ", must be in [" + min + ", " + max + "]");
    }
    return v;
  }

  private static int bounded(String name, int v, int min, int max) {
    return (int) bounded(name, (long) v, min, max);
  }

  /** Concurrency grid of a scenario: {conns, in flight per conn}. */
  List<int[]> grid(String scenario) {
    if (gridOverride != null) {
      return gridOverride;
    }
    if (quick) {
      return switch (scenario) {
        case "write", "lookup-linearizable" -> List.of(new int[] {1, 1}, new int[] {4, 256});
        default -> List.of(new int[] {4, 256});
      };
    }
    return switch (scenario) {
      case "write", "lookup-linearizable" ->
          List.of(new int[] {1, 1}, new int[] {1, 16}, new int[] {4, 64}, new int[] {4, 256});
      default -> List.of(new int[] {1, 1}, new int[] {4, 256});
    };
  }
}
