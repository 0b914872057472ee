package dev.tether.bench.replicated;

import dev.tether.bench.core.ApplyLog;
import dev.tether.bench.harness.CpuWindow;
import dev.tether.bench.harness.Dirs;
import dev.tether.bench.harness.Flags;
import dev.tether.bench.harness.Machine;
import dev.tether.bench.harness.Medians;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.Result;
import dev.tether.statemachine.core.Validate;
import dev.tether.statemachine.ratis.GroupCommitter;
import dev.tether.statemachine.ratis.RatisSettings;
import dev.tether.statemachine.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;

/**
 * Replicated OpenSession throughput on three in-process Ratis servers ({@link LocalCluster}: real
 * gRPC on loopback, real segmented logs with fsync, RocksDB stores), with group commit ({@link
 * GroupCommitter} at {@code --gc-commands} commands per entry) and without (one command per entry),
 * at each {@code --in-flight} count of closed-loop callers.
 *
 * <p>Each trial gets a fresh ring group on the same three servers: InitRing and {@code --nodes}
 * Joins, then OpenSession of new random 36-character UUIDs through a fresh committer, a warm-up
 * window, a measured window, and the group is removed from every server. One round of every
 * configuration is discarded first (JIT, gRPC channels); then trials run round-robin over the
 * configurations, the with/without order alternating between trials, so both sides see the same
 * minutes of the shared machine.
 *
 * <p>Run: {@code bench/state.sh} or {@code java -cp ... dev.tether.bench.replicated.ReplicatedBench
 * [--trials 3] [--seconds 20] ...}; prints one line per trial and a markdown table of medians.
 */
public final class ReplicatedBench {
  /** Seeds of the session ids: trial and caller are mixed in. */
  static final long SEED = 20_261_127L;

  private static final Set<String> OPTIONS =
      Set.of(
          "trials",
          "seconds",
          "warmup-seconds",
          "max-ops",
          "in-flight",
          "modes",
          "gc-commands",
          "gc-max-in-flight",
          "nogc-max-in-flight",
          "election-ms",
          "nodes",
          "dir");

  /** One configuration: with or without group commit, at a number of callers. */
  record Config(String mode, int maxCommands, int maxInFlight, int callers) {
    String label() {
      return String.format(
          Locale.ROOT,
          "%-4s (%d cmd/entry, %d entries in flight) x %d callers",
          mode,
          maxCommands,
          maxInFlight,
          callers);
    }
  }

  /** One measured trial. */
  record Trial(
      Config config,
      int trial,
      ClosedLoop.Outcome outcome,
      double commandsPerEntry,
      String loadBefore,
      CpuWindow.Use cpu) {}

  /** Runs the group removals of {@link #removeGroup}, one thread per server; daemon threads. */
  private static final ExecutorService REMOVER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "bench-group-remover");
            t.setDaemon(true);
            return t;
          });

  private final LocalCluster cluster;
  private final int nodes;
  private final AtomicLong callIds = new AtomicLong();

  ReplicatedBench(LocalCluster cluster, int nodes) {
    this.cluster = cluster;
    this.nodes = nodes;
  }

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws IOException, InterruptedException {
    Flags f = Flags.parse(args, OPTIONS);
    int trials = (int) f.number("trials", 3, 1, 50);
    long seconds = f.number("seconds", 20, 1, 600);
    long warmup = f.number("warmup-seconds", 5, 0, 600);
    long maxOps = f.number("max-ops", 5_000_000, 1, 1_000_000_000);
    List<Integer> inFlight = f.numbers("in-flight", "1,1024", 1, 100_000);
    List<String> modes = f.words("modes", "gc,nogc", Set.of("gc", "nogc"));
    int gcCommands = (int) f.number("gc-commands", 512, 2, 4096);
    int gcInFlight = (int) f.number("gc-max-in-flight", 8, 1, GroupCommitter.IN_FLIGHT_MAX);
    List<Integer> nogcInFlight =
        f.numbers(
            "nogc-max-in-flight",
            String.valueOf(GroupCommitter.IN_FLIGHT_MAX),
            1,
            GroupCommitter.IN_FLIGHT_MAX);
    long electionMs =
        f.number(
            "election-ms",
            RatisSettings.DEFAULT.electionTimeoutMinMs(),
            300,
            RatisSettings.ELECTION_TIMEOUT_MS_MAX);
    int nodes = (int) f.number("nodes", ApplyLog.NODES_DEFAULT, 1, 1_000);
    Path base =
        Files.createTempDirectory(Path.of(f.text("dir", "target")).toAbsolutePath(), "replicated-");
    RatisSettings settings =
        new RatisSettings(
            electionMs,
            RatisSettings.DEFAULT.snapshotThreshold(),
            RatisSettings.DEFAULT.purgeGap(),
            RatisSettings.DEFAULT.segmentSizeBytes());

    // Grouped by callers; a bound on entries in flight above the callers is the same config.
    List<List<Config>> groups = new ArrayList<>();
    for (int callers : inFlight) {
      List<Config> group = new ArrayList<>();
      for (String mode : modes) {
        if (mode.equals("gc")) {
          group.add(new Config(mode, gcCommands, Math.min(gcInFlight, callers), callers));
        } else {
          for (int max : nogcInFlight) {
            Config c = new Config(mode, 1, Math.min(max, callers), callers);
            if (!group.contains(c)) {
              group.add(c);
            }
          }
        }
      }
      groups.add(group);
    }
    List<Config> configs = groups.stream().flatMap(List::stream).toList();
    System.out.println("# replicated bench: " + Machine.describe());
    System.out.printf(
        Locale.ROOT,
        "# 3 servers in process, gRPC on 127.0.0.1, fsync on (Ratis default); %s; trials=%d"
            + " warmup=%ds measure=%ds max-ops=%d nodes=%d dir=%s%n",
        settings,
        trials,
        warmup,
        seconds,
        maxOps,
        nodes,
        base);
    List<Trial> results = new ArrayList<>();
    try (LocalCluster cluster =
        LocalCluster.builder(base)
            .servers(3)
            .settings(settings)
            .awaitTimeout(Duration.ofSeconds(60))
            .start()) {
      ReplicatedBench bench = new ReplicatedBench(cluster, nodes);
      for (int t = 0; t <= trials; t++) {
        // Alternate the order within each callers group: A/B in one trial, B/A in the next.
        List<Config> order = new ArrayList<>();
        for (List<Config> group : groups) {
          List<Config> g = new ArrayList<>(group);
          if (t % 2 == 0) {
            Collections.reverse(g);
          }
          order.addAll(g);
        }
        for (Config c : order) {
          long w = t == 0 ? Math.min(warmup, 3) : warmup;
          long m = t == 0 ? Math.min(seconds, 5) : seconds;
          Trial r = bench.trial(c, t, w, m, maxOps);
          if (t > 0) {
            results.add(r);
          }
          System.out.println((t == 0 ? "warm-up  " : "trial    ") + line(r));
        }
      }
    } finally {
      deleteQuietly(base);
    }
    System.out.println();
    System.out.print(table(results, configs));
  }

  /** Runs one trial of {@code c} on a fresh ring group, then removes the group. */
  Trial trial(Config c, int t, long warmupS, long measureS, long maxOps)
      throws IOException, InterruptedException {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    try {
      cluster.awaitLeader(gid);
      RaftClient client = cluster.client(gid);
      GroupCommitter committer = new GroupCommitter(client, c.maxCommands(), c.maxInFlight());
      setUpRing(committer);
      SplittableRandom[] ids = new SplittableRandom[c.callers()];
      SplittableRandom seeds = new SplittableRandom(SEED ^ (31L * t) ^ c.callers());
      for (int i = 0; i < ids.length; i++) {
        ids[i] = seeds.split();
      }
      ClosedLoop loop =
          new ClosedLoop(
              c.callers(),
              caller -> {
                SplittableRandom r = ids[caller];
                String id = new UUID(r.nextLong(), r.nextLong()).toString();
                return committer.submit(open(id)).thenApply(ReplicatedBench::created);
              });
      String load = Machine.loadText();
      long[] before = committer.counters();
      CpuWindow cpu = CpuWindow.start();
      ClosedLoop.Outcome o =
          loop.run(TimeUnit.SECONDS.toMillis(warmupS), TimeUnit.SECONDS.toMillis(measureS), maxOps);
      CpuWindow.Use used = cpu.stop();
      long[] after = committer.counters();
      double perEntry = (after[1] - before[1]) / (double) Math.max(1, after[0] - before[0]);
      return new Trial(c, t, o, perEntry, load, used);
    } finally {
      removeGroup(gid);
    }
  }

  /** InitRing with the default policy (no warm-up: joined nodes are ACTIVE), then the Joins. */
  private void setUpRing(GroupCommitter committer) throws IOException {
    List<CompletableFuture<Result>> setup = new ArrayList<>();
    setup.add(
        committer.submit(
            Command.newBuilder()
                .setInitRing(
                    InitRing.newBuilder().setName("bench").setPolicy(Validate.defaultPolicy()))
                .build()));
    for (int n = 0; n < nodes; n++) {
      setup.add(committer.submit(ApplyLog.join(n)));
    }
    for (CompletableFuture<Result> f : setup) {
      Result r;
      try {
        r = f.get(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted setting up the ring", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("setting up the ring failed", e);
      }
      if (r.getCode() != ErrorCode.ERROR_CODE_OK) {
        throw new IOException("setting up the ring failed: " + r.getCode() + " " + r.getMessage());
      }
    }
  }

  private static Command open(String id) {
    return Command.newBuilder().setOpenSession(OpenSession.newBuilder().setSessionId(id)).build();
  }

  private static Boolean created(Result r) {
    return r.getCode() == ErrorCode.ERROR_CODE_OK && r.getSession().getCreated();
  }

  /**
   * Removes the group from every server at once (one at a time, the survivors hold elections and
   * log about it) and deletes its Raft directory.
   */
  private void removeGroup(RaftGroupId gid) {
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.isRunning(i)) {
        continue;
      }
      RaftServer server = cluster.server(i);
      GroupManagementRequest remove =
          GroupManagementRequest.newRemove(
              ClientId.randomId(), server.getId(), callIds.incrementAndGet(), gid, true, false);
      removals.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  RaftClientReply reply = server.groupManagement(remove);
                  if (!reply.isSuccess()) {
                    System.err.println(
                        "removing " + gid + " from " + server.getId() + ": " + reply);
                  }
                } catch (IOException e) {
                  System.err.println("removing " + gid + " from " + server.getId() + ": " + e);
                }
              },
              REMOVER));
    }
    removals.forEach(CompletableFuture::join);
  }

  private static String line(Trial r) {
    ClosedLoop.Outcome o = r.outcome();
    return String.format(
        Locale.ROOT,
        "#%d %s: %,9.0f ops/s  p50 %s  p99 %s  max %s  (%,d ops in %.1f s, %.1f cmd/entry,"
            + " failures %d%s; load before %s; cpu: self %.2f, others %.2f cores)",
        r.trial(),
        r.config().label(),
        o.opsPerSecond(),
        ms(o.latencyUs().getValueAtPercentile(50)),
        ms(o.latencyUs().getValueAtPercentile(99)),
        ms(o.latencyUs().getMaxValue()),
        o.ops(),
        o.seconds(),
        r.commandsPerEntry(),
        o.failures(),
        o.failures() > 0 ? " first: " + o.error() : "",
        r.loadBefore(),
        r.cpu().selfCores(),
        r.cpu().otherCores());
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
  }

  /** The markdown table of medians and the group-commit ratio at each in-flight count. */
  static String table(List<Trial> results, List<Config> configs) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| mode | cmd/entry max | entries in flight max | callers | median ops/s | min–max |"
            + " median p50 ms | median p99 ms | cmd/entry (median) | trials | others' CPU"
            + " (cores, median) |\n");
    out.append("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
    List<String> ratios = new ArrayList<>();
    for (Config c : configs) {
      List<Double> rates = new ArrayList<>();
      List<Double> p50 = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      List<Double> perEntry = new ArrayList<>();
      List<Double> others = new ArrayList<>();
      for (Trial r : results) {
        if (r.config().equals(c)) {
          rates.add(r.outcome().opsPerSecond());
          p50.add(r.outcome().latencyUs().getValueAtPercentile(50) / 1000.0);
          p99.add(r.outcome().latencyUs().getValueAtPercentile(99) / 1000.0);
          perEntry.add(r.commandsPerEntry());
          others.add(r.cpu().otherCores());
        }
      }
      double[] range = Medians.range(rates);
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %,.0f | %,.0f–%,.0f | %.2f | %.2f | %.1f | %d | %.2f |%n",
              c.mode(),
              c.maxCommands(),
              c.maxInFlight(),
              c.callers(),
              Medians.of(rates),
              range[0],
              range[1],
              Medians.of(p50),
              Medians.of(p99),
              Medians.of(perEntry),
              rates.size(),
              Medians.of(others)));
    }
    for (Config gc : configs) {
      if (!gc.mode().equals("gc")) {
        continue;
      }
      for (Config nogc : configs) {
        if (nogc.mode().equals("nogc") && nogc.callers() == gc.callers()) {
          ratios.add(
              String.format(
                  Locale.ROOT,
                  "%d callers: %.2fx ops/s (median %,.0f vs %,.0f without, %d entries in flight)",
                  gc.callers(),
                  median(results, gc) / median(results, nogc),
                  median(results, gc),
                  median(results, nogc),
                  nogc.maxInFlight()));
        }
      }
    }
    if (!ratios.isEmpty()) {
      out.append("\nGroup commit / none: ").append(String.join("; ", ratios)).append('\n');
    }
    return out.toString();
  }

  private static double median(List<Trial> results, Config c) {
    List<Double> rates = new ArrayList<>();
    for (Trial r : results) {
      if (r.config().equals(c)) {
        rates.add(r.outcome().opsPerSecond());
      }
    }
    return Medians.of(rates);
  }

  private static void deleteQuietly(Path root) {
    try {
      Dirs.deleteTree(root);
    } catch (RuntimeException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
