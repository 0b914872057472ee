package dev.tether.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The quiet check run before every trial (performance-anchors.md section 6): no other benchmark
 * process on the machine, and little CPU used by anything but this harness. It waits, bounded, and
 * records what it saw.
 *
 * <p>The 1-minute load average cannot be the gate between trials: it counts this harness's own
 * previous trial (a saturating 4 x 256 trial leaves it near 2.5, and it decays with a 60 s time
 * constant). So the gate is the CPU used by <i>other</i> processes over a short window, measured as
 * the machine's busy time minus this JVM's and its children's, and the load average is recorded
 * with every trial. The run as a whole starts only once the 1-minute load is below {@link
 * #START_LOAD_MAX} (before any of our processes exist).
 */
final class Quiet {
  /** 1-minute load average below which the run starts. */
  static final double START_LOAD_MAX = 1.5;

  /** CPU other processes may use during the sample for the machine to count as quiet, cores. */
  static final double FOREIGN_CORES_MAX = 0.35;

  /** Length of one CPU sample, milliseconds. */
  static final long SAMPLE_MS = 2_000;

  /** Command-line fragments of processes that are other benchmarks (theirs, not ours). */
  static final List<String> FOREIGN_BENCH_MARKERS =
      List.of("org.openjdk.jmh", "dev.tether.bench", "grpc-benchmarks", " etcd ", "zookeeper");

  private static final long TICKS_PER_SECOND = 100;

  private final Supplier<List<Long>> ownPids;
  private final long maxWaitMs;

  /** One check's outcome, recorded with its trial. */
  record Check(
      boolean quiet,
      double load1,
      double load5,
      double load15,
      double foreignCores,
      List<String> foreignBenchmarks,
      long waitedMs) {}

  Quiet(Supplier<List<Long>> ownPids, long maxWaitMs) {
    this.ownPids = ownPids;
    this.maxWaitMs = maxWaitMs;
  }

  /** Waits until the 1-minute load is below {@link #START_LOAD_MAX}, at most {@code maxWaitMs}. */
  Check awaitStart() throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      double[] l = loadavg();
      List<String> others = foreignBenchmarks();
      long waited = (System.nanoTime() - start) / 1_000_000;
      boolean ok = l[0] < START_LOAD_MAX && others.isEmpty();
      if (ok || waited >= maxWaitMs) {
        return new Check(ok, l[0], l[1], l[2], Double.NaN, others, waited);
      }
      Thread.sleep(5_000);
    }
  }

  /** Waits until the machine is quiet, at most {@code maxWaitMs}; the last sample is returned. */
  Check await() throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      double foreign = foreignCores(SAMPLE_MS);
      List<String> others = foreignBenchmarks();
      double[] l = loadavg();
      long waited = (System.nanoTime() - start) / 1_000_000;
      boolean ok = foreign < FOREIGN_CORES_MAX && others.isEmpty();
      if (ok || waited >= maxWaitMs) {
        return new Check(ok, l[0], l[1], l[2], foreign, others, waited);
      }
      Thread.sleep(1_000);
    }
  }

  static double[] loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
  }

  /** Cores used by processes other than ours over {@code ms}. */
  double foreignCores(long ms) throws InterruptedException {
    long busy0 = machineBusyTicks();
    long own0 = ownTicks();
    long t0 = System.nanoTime();
    Thread.sleep(ms);
    long busy1 = machineBusyTicks();
    long own1 = ownTicks();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double foreignTicks = Math.max(0, (busy1 - busy0) - (own1 - own0));
    return foreignTicks / TICKS_PER_SECOND / seconds;
  }

  private static long machineBusyTicks() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
          long busy = 0;
          for (int i = 1; i <= 8 && i < f.length; i++) {
            if (i != 4 && i != 5) {
              busy += Long.parseLong(f[i]);
            }
          }
          return busy;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  private long ownTicks() {
    Set<Long> pids = new HashSet<>(ownPids.get());
    pids.add(ProcessHandle.current().pid());
    long total = 0;
    for (long pid : pids) {
      total += ticksOf(pid);
    }
    return total;
  }

  private static long ticksOf(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Other benchmark processes: command lines with a marker, not ours and not our children. */
  List<String> foreignBenchmarks() {
    Set<Long> own = new HashSet<>(ownPids.get());
    own.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(h -> own.add(h.pid()));
    List<String> out = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(h -> !own.contains(h.pid()))
        .forEach(
            h -> {
              String cmd = cmdline(h.pid());
              for (String m : FOREIGN_BENCH_MARKERS) {
                if (cmd.contains(m) && !cmd.contains("run.sh")) {
                  out.add(h.pid() + " " + cmd.substring(0, Math.min(120, cmd.length())));
                  return;
                }
              }
            });
    return out;
  }

  private static String cmdline(long pid) {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
      for (int i = 0; i < b.length; i++) {
        if (b[i] == 0) {
          b[i] = ' ';
        }
      }
      return " " + new String(b, StandardCharsets.UTF_8) + " ";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
