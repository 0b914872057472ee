package dev.tether.bench.core;

import dev.tether.bench.harness.Dirs;
import dev.tether.bench.harness.Flags;
import dev.tether.bench.harness.Machine;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.ExpireNode;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.Rehome;
import dev.tether.proto.internal.Result;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.store.Store;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The apply cost of moving a failed node's sessions, one thread: the part of the node-failure
 * figure (docs/performance.md) that each replica spends in its state machine. A ring of {@code
 * --nodes} nodes gets {@code --sessions} sessions, the first node is expired (DOWN), and Rehome
 * entries of {@code --batch} sessions are applied until none is left on it, each followed by {@code
 * store.commit} as the Ratis adapter does. Prints, per trial, the sessions moved, the wall and
 * thread-CPU time of the Rehome entries alone, and the rate; then the median.
 *
 * <p>Run: {@code java -cp ... dev.tether.bench.core.RehomeBench [--sessions 100000] [--batch 5000]
 * [--nodes 3] [--trials 5] [--stores rocksdb,memory]}.
 */
public final class RehomeBench {
  private static final Set<String> OPTIONS =
      Set.of("trials", "sessions", "batch", "nodes", "stores", "dir");

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One trial: sessions moved off the failed node and the time the Rehome entries took. */
  record Trial(String store, int trial, long moved, int entries, double seconds, double cpu) {
    double perSecond() {
      return moved / seconds;
    }
  }

  private RehomeBench() {}

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws IOException {
    Flags f = Flags.parse(args, OPTIONS);
    int trials = (int) f.number("trials", 5, 1, 50);
    int sessions = (int) f.number("sessions", 100_000, 1, 10_000_000);
    int batch = (int) f.number("batch", 5_000, 1, Limits.REHOME_BATCH_MAX);
    int nodes = (int) f.number("nodes", 3, 2, 1_000);
    List<String> stores = f.words("stores", "rocksdb,memory", ApplyBench.STORES);
    Path base =
        Files.createTempDirectory(Path.of(f.text("dir", "target")).toAbsolutePath(), "rehome-");
    System.out.println("# rehome bench: " + Machine.describe());
    System.out.printf(
        Locale.ROOT,
        "# trials=%d sessions=%d batch=%d nodes=%d dir=%s%n",
        trials,
        sessions,
        batch,
        nodes,
        base);
    List<Trial> results = new ArrayList<>();
    try {
      for (int t = 0; t <= trials; t++) { // trial 0 warms the JIT and is not counted
        for (String store : stores) {
          Trial r = run(base.resolve(store + "-" + t), store, t, sessions, batch, nodes);
          if (t > 0) {
            results.add(r);
          }
          System.out.printf(
              Locale.ROOT,
              "%s #%d %-7s moved %,d sessions in %d entries: %.3f s wall, %.3f s thread CPU,"
                  + " %,.0f sessions/s%n",
              t == 0 ? "warm-up" : "trial  ",
              t,
              store,
              r.moved(),
              r.entries(),
              r.seconds(),
              r.cpu(),
              r.perSecond());
        }
      }
    } finally {
      Dirs.deleteTree(base);
    }
    for (String store : stores) {
      double[] rates =
          results.stream()
              .filter(r -> r.store().equals(store))
              .mapToDouble(Trial::perSecond)
              .sorted()
              .toArray();
      System.out.printf(
          Locale.ROOT,
          "median %-7s %,.0f sessions moved per second (%d trials)%n",
          store,
          rates[rates.length / 2],
          rates.length);
    }
  }

  static Trial run(Path dir, String storeKind, int t, int sessions, int batch, int nodes)
      throws IOException {
    try (Store store = ApplyBench.open(storeKind, dir)) {
      RingCore core = new RingCore(store);
      long index = 1;
      ApplyBench.apply(core, store, ApplyLog.setup(nodes), index++);
      SplittableRandom rnd = new SplittableRandom(ApplyBench.SEED + t);
      long time = ApplyLog.TIME_MS_START + 1;
      for (int opened = 0; opened < sessions; ) {
        CommandBatch.Builder b = CommandBatch.newBuilder().setTimeMs(time++);
        for (int c = 0; c < Limits.COMMANDS_PER_BATCH_MAX && opened < sessions; c++, opened++) {
          String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
          b.addCommands(
              Command.newBuilder().setOpenSession(OpenSession.newBuilder().setSessionId(id)));
        }
        ApplyBench.apply(core, store, b.build(), index++);
      }
      // Far past every lease: the first node may be expired.
      time += 3_600_000;
      String failed = ApplyLog.join(0).getJoin().getNodeId();
      ApplyBench.apply(
          core,
          store,
          CommandBatch.newBuilder()
              .setTimeMs(time++)
              .addCommands(
                  Command.newBuilder()
                      .setExpireNode(ExpireNode.newBuilder().setNodeId(failed).setIssuerTerm(1)))
              .build(),
          index++);
      long moved = 0;
      int entries = 0;
      long start = System.nanoTime();
      long startCpu = THREADS.getCurrentThreadCpuTime();
      while (true) {
        CommandBatch entry =
            CommandBatch.newBuilder()
                .setTimeMs(time++)
                .addCommands(
                    Command.newBuilder()
                        .setRehome(
                            Rehome.newBuilder()
                                .setNodeId(failed)
                                .setMaxSessions(batch)
                                .setIssuerTerm(1)))
                .build();
        RingCore.Applied applied = core.apply(entry, index, 1);
        store.commit(index++, 1);
        entries++;
        Result r = applied.results().getResults(0);
        if (r.getCode() != ErrorCode.ERROR_CODE_OK) {
          throw new IllegalStateException("rehome failed: " + r.getCode() + " " + r.getMessage());
        }
        moved += r.getRehome().getMoved();
        if (r.getRehome().getRemaining() == 0 || r.getRehome().getMoved() == 0) {
          break;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
      return new Trial(storeKind, t, moved, entries, seconds, cpu);
    } finally {
      Dirs.deleteTree(dir);
    }
  }
}
