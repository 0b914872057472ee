package dev.tether.bench.core;

import dev.tether.bench.harness.CpuWindow;
import dev.tether.bench.harness.Dirs;
import dev.tether.bench.harness.Flags;
import dev.tether.bench.harness.Machine;
import dev.tether.bench.harness.Medians;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.Result;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.store.MemoryStore;
import dev.tether.statemachine.store.RocksDbStore;
import dev.tether.statemachine.store.Store;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Core apply rate, one thread: a pre-generated {@link ApplyLog} applied to {@link RingCore} with
 * {@code store.commit(index, term)} after every entry, as the Ratis adapter does, on {@link
 * RocksDbStore} and on {@link MemoryStore} (the baseline), for several entry sizes.
 *
 * <p>Every run opens a fresh store, applies the setup entry and {@code --warmup-commands} untimed,
 * then times {@code --commands} (or as many as fit in {@code --seconds}). Decoding the entry from
 * the Raft log is not included: the log holds parsed {@link CommandBatch}es. A whole discarded
 * round of every configuration warms the JIT first; then the trials run round-robin over stores and
 * entry sizes, so a noisy minute hurts every configuration alike.
 *
 * <p>Run: {@code bench/state.sh} or {@code java -cp ... dev.tether.bench.core.ApplyBench [--trials
 * 5] [--commands 400000] ...}; prints one line per trial and a markdown table of medians.
 */
public final class ApplyBench {
  /** Seed of every generated log, so each run applies the same commands. */
  public static final long SEED = 20_261_127L;

  /** The store kinds, as named on the command line. */
  static final Set<String> STORES = Set.of("rocksdb", "memory");

  private static final Set<String> OPTIONS =
      Set.of(
          "trials",
          "commands",
          "warmup-commands",
          "seconds",
          "batches",
          "stores",
          "nodes",
          "open-permille",
          "dir");

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Path dir;

  /** One timed run. */
  record Trial(
      String store,
      int batch,
      int trial,
      long commands,
      double seconds,
      double threadCpuSeconds,
      String loadBefore,
      CpuWindow.Use cpu) {
    double commandsPerSecond() {
      return commands / seconds;
    }

    /** Commands per second of the applying thread's own CPU time: steadier on a shared box. */
    double commandsPerCpuSecond() {
      return commands / threadCpuSeconds;
    }
  }

  ApplyBench(Path dir) {
    this.dir = dir;
  }

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws IOException {
    Flags f = Flags.parse(args, OPTIONS);
    int trials = (int) f.number("trials", 5, 1, 50);
    long commands = f.number("commands", 400_000, 1, 100_000_000);
    long warmup = f.number("warmup-commands", 100_000, 0, 100_000_000);
    double seconds = f.number("seconds", 30, 1, 3_600);
    List<Integer> batches = f.numbers("batches", "1,16,256", 1, 4096);
    List<String> stores = f.words("stores", "rocksdb,memory", STORES);
    int nodes = (int) f.number("nodes", ApplyLog.NODES_DEFAULT, 1, 1_000);
    int openPermille = (int) f.number("open-permille", ApplyLog.OPEN_PERMILLE_DEFAULT, 1, 1000);
    Path base =
        Files.createTempDirectory(Path.of(f.text("dir", "target")).toAbsolutePath(), "apply-");

    System.out.println("# apply bench: " + Machine.describe());
    System.out.printf(
        Locale.ROOT,
        "# trials=%d commands=%d warmup-commands=%d seconds-cap=%.0f nodes=%d open-permille=%d"
            + " seed=%d dir=%s%n",
        trials,
        commands,
        warmup,
        seconds,
        nodes,
        openPermille,
        SEED,
        base);
    Map<Integer, ApplyLog> logs = new LinkedHashMap<>();
    for (int batch : batches) {
      logs.put(batch, ApplyLog.generate(SEED, nodes, batch, warmup + commands, openPermille));
    }
    ApplyBench bench = new ApplyBench(base);
    List<Trial> results = new ArrayList<>();
    try {
      for (int t = 0; t <= trials; t++) {
        for (String store : stores) {
          for (int batch : batches) {
            Trial r = bench.run(store, logs.get(batch), batch, warmup, seconds, t);
            if (t > 0) {
              results.add(r);
            }
            System.out.println((t == 0 ? "warm-up  " : "trial    ") + line(r));
          }
        }
      }
    } finally {
      Dirs.deleteTree(base);
    }
    System.out.println();
    System.out.print(table(results, stores, batches));
  }

  /**
   * Applies {@code log} to a fresh store of kind {@code storeKind}, timing the part after warm-up.
   */
  Trial run(String storeKind, ApplyLog log, int batch, long warmupCommands, double seconds, int t)
      throws IOException {
    Path storeDir = dir.resolve(storeKind + "-" + batch + "-" + t);
    int warmEntries = (int) Math.min(log.entries().size(), warmupCommands / batch);
    try (Store store = open(storeKind, storeDir)) {
      RingCore core = new RingCore(store);
      long index = 1;
      apply(core, store, log.setup(), index++);
      for (int i = 0; i < warmEntries; i++) {
        apply(core, store, log.entries().get(i), index++);
      }
      String load = Machine.loadText();
      CpuWindow cpu = CpuWindow.start();
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      long start = System.nanoTime();
      long startCpu = THREADS.getCurrentThreadCpuTime();
      long applied = 0;
      for (int i = warmEntries; i < log.entries().size(); i++) {
        CommandBatch entry = log.entries().get(i);
        apply(core, store, entry, index++);
        applied += entry.getCommandsCount();
        if ((i & 15) == 0 && System.nanoTime() > deadline) {
          break;
        }
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      double threadCpu = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
      return new Trial(storeKind, batch, t, applied, elapsed, threadCpu, load, cpu.stop());
    } finally {
      Dirs.deleteTree(storeDir);
    }
  }

  /** Applies and commits one entry, as the adapter does; every command must succeed. */
  static void apply(RingCore core, Store store, CommandBatch entry, long index) {
    RingCore.Applied applied = core.apply(entry, index, 1);
    store.commit(index, 1);
    for (Result r : applied.results().getResultsList()) {
      if (r.getCode() != ErrorCode.ERROR_CODE_OK) {
        throw new IllegalStateException(
            "entry " + index + " has a failed command: " + r.getCode() + " " + r.getMessage());
      }
    }
  }

  static Store open(String kind, Path dir) throws IOException {
    return kind.equals("rocksdb") ? RocksDbStore.open(dir) : new MemoryStore();
  }

  private static String line(Trial r) {
    return String.format(
        Locale.ROOT,
        "#%d %-7s batch=%-4d %,10.0f commands/s  %,10.0f per thread-CPU-s  (%,d commands in"
            + " %.2f s; load before %s; cpu: self %.2f, others %.2f cores)",
        r.trial(),
        r.store(),
        r.batch(),
        r.commandsPerSecond(),
        r.commandsPerCpuSecond(),
        r.commands(),
        r.seconds(),
        r.loadBefore(),
        r.cpu().selfCores(),
        r.cpu().otherCores());
  }

  /** The markdown table of medians, with RocksDB as a share of the in-memory baseline. */
  static String table(List<Trial> results, List<String> stores, List<Integer> batches) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| store | commands/entry | median commands/s | min–max | median entries/s | median"
            + " commands per thread-CPU-s | trials | others' CPU (cores, median) |\n");
    out.append("|---|---:|---:|---|---:|---:|---:|---:|\n");
    Map<Integer, Double> memory = new LinkedHashMap<>();
    Map<Integer, Double> rocks = new LinkedHashMap<>();
    for (String store : stores) {
      for (int batch : batches) {
        List<Double> rates = new ArrayList<>();
        List<Double> others = new ArrayList<>();
        List<Double> perCpu = new ArrayList<>();
        for (Trial r : results) {
          if (r.store().equals(store) && r.batch() == batch) {
            rates.add(r.commandsPerSecond());
            perCpu.add(r.commandsPerCpuSecond());
            others.add(r.cpu().otherCores());
          }
        }
        double median = Medians.of(rates);
        double[] range = Medians.range(rates);
        (store.equals("memory") ? memory : rocks).put(batch, median);
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %,.0f | %,.0f–%,.0f | %,.0f | %,.0f | %d | %.2f |%n",
                store,
                batch,
                median,
                range[0],
                range[1],
                median / batch,
                Medians.of(perCpu),
                rates.size(),
                Medians.of(others)));
      }
    }
    if (!memory.isEmpty() && !rocks.isEmpty()) {
      out.append("\nRocksDB / memory (median over median):");
      for (int batch : batches) {
        out.append(
            String.format(
                Locale.ROOT, " batch %d: %.2f;", batch, rocks.get(batch) / memory.get(batch)));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
