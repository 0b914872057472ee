package dev.tether.bench.peers;

import dev.tether.api.v1.AddDaemonRequest;
import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.BatchOpenRequest;
import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.GroupStatus;
import dev.tether.api.v1.OpenItem;
import dev.tether.api.v1.SessionServiceGrpc;
import dev.tether.api.v1.SnapshotRequest;
import dev.tether.api.v1.StatusRequest;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scale: as many pinned sessions in one ring as the load bound allows (10M is the goal), loaded
 * with BatchOpen calls (1000 sessions each) through group commit, several in flight. Then lookup
 * latency, daemon heap (live, after a full GC), disk per daemon, and the time for a fourth daemon
 * to catch up through a snapshot. Tether only: etcd's default 2 GiB quota holds about 5M such keys,
 * and this phase's question is Tether's own limits.
 */
final class Scale {
  static final String RING = "scale";

  /** BatchOpen calls in flight while loading: connections x calls, each of LOAD_BATCH ids. */
  static final int LOAD_CONNS = 4;

  static final int LOAD_IN_FLIGHT = 4;

  static final int LOAD_BATCH = 1000;

  /** Longest a catch-up may take before the phase gives up, milliseconds. */
  static final long CATCH_UP_MS_MAX = 600_000;

  private final Ctx ctx;

  Scale(Ctx ctx) {
    this.ctx = ctx;
  }

  void run() throws Exception {
    Options o = ctx.opt;
    Map<String, String> conf = new LinkedHashMap<>(o.tetherSet);
    conf.put("timeouts.election_ms", "" + o.tetherElectionMs);
    Map<String, Object> out = new LinkedHashMap<>();
    ctx.results.put("scale", out);
    try (TetherRegion region = ctx.region("scale-tether", conf)) {
      region.start();
      region.createRing(RING, Throughput.LONG_LEASE, 3);
      int leader = region.awaitLeader(RING);
      // Load, with BatchOpen: one Open per session would take hours at 10M (about 1,000 opens/s
      // on this machine, the per-call cost; docs/performance.md).
      long t0 = System.nanoTime();
      AtomicLong next = new AtomicLong();
      AtomicLong itemErrors = new AtomicLong();
      long target = o.scaleSessions;
      List<ManagedChannel> chs = new ArrayList<>();
      List<LoadGen.Conn> conns = new ArrayList<>();
      for (int c = 0; c < LOAD_CONNS; c++) {
        ManagedChannel ch = TetherRegion.newChannel(region.api(1 + (leader - 1 + c) % 3));
        chs.add(ch);
        SessionServiceGrpc.SessionServiceStub stub = SessionServiceGrpc.newStub(ch);
        conns.add(
            slot -> {
              long first = next.getAndAdd(LOAD_BATCH);
              if (first >= target) {
                return null;
              }
              BatchOpenRequest.Builder b = BatchOpenRequest.newBuilder().setRing(RING);
              for (long i = first; i < Math.min(target, first + LOAD_BATCH); i++) {
                b.addItems(OpenItem.newBuilder().setSessionId(id(i)));
              }
              return Workloads.unary(
                      stub.withDeadlineAfter(60, TimeUnit.SECONDS)::batchOpen, b.build())
                  .thenAccept(
                      r ->
                          r.getResultsList().stream()
                              .filter(x -> x.getErrorCode() != 0)
                              .forEach(x -> itemErrors.incrementAndGet()));
            });
      }
      ctx.say(
          "scale: loading up to %d sessions (BatchOpen of %d, %d x %d in flight) for at most %d s",
          target, LOAD_BATCH, LOAD_CONNS, LOAD_IN_FLIGHT, o.scaleLoadMs / 1000);
      LoadGen.Result load = LoadGen.run(conns, LOAD_IN_FLIGHT, 0, o.scaleLoadMs);
      chs.forEach(ManagedChannel::shutdownNow);
      double loadS = (System.nanoTime() - t0) / 1e9;
      long sessions = ringSessions(region, leader);
      out.put("target_sessions", target);
      out.put("sessions", sessions);
      out.put("load_seconds", Stats.round(loadS, 1));
      out.put("load_opens_per_sec", Stats.round(sessions / loadS, 1));
      out.put("load_batch_p50_us", load.p50Us());
      out.put("load_batch_p99_us", load.p99Us());
      out.put("load_errors", load.errors());
      out.put("load_item_errors", itemErrors.get());
      ctx.say(
          "scale: %d sessions in %.0f s (%.0f opens/s; batch p50 %.0f ms, p99 %.0f ms; %d failed"
              + " calls, %d refused items)",
          sessions,
          loadS,
          sessions / loadS,
          load.p50Us() / 1e3,
          load.p99Us() / 1e3,
          load.errors(),
          itemErrors.get());
      // The followers apply what the leader committed after the load's last answer; lookups are
      // measured once every daemon has caught up (a lookup waits for its daemon's replica).
      long loaded0 = System.nanoTime();
      long loadCommit = commitIndex(region, leader);
      for (int d = 1; d <= TetherRegion.SIZE; d++) {
        awaitApplied(region, d, loadCommit, loaded0);
      }
      double appliedS = (System.nanoTime() - loaded0) / 1e9;
      out.put("followers_applied_after_load_s", Stats.round(appliedS, 1));
      ctx.say("scale: every daemon applied the load %.1f s after its last answer", appliedS);
      // Lookups at that size, keys drawn from the loaded ones.
      int loaded = (int) Math.min(Integer.MAX_VALUE, Math.min(next.get(), target));
      Workloads.Keys keys = new Workloads.Keys(0, 0);
      String[] sample = new String[Math.min(100_000, Math.max(1, loaded))];
      java.util.Random r = new java.util.Random(7);
      for (int i = 0; i < sample.length; i++) {
        sample[i] = id(r.nextInt(Math.max(1, loaded)));
      }
      keys = new Workloads.Keys(sample);
      for (Consistency consistency :
          List.of(Consistency.CONSISTENCY_LINEARIZABLE, Consistency.CONSISTENCY_STALE)) {
        for (int[] g : List.of(new int[] {1, 1}, new int[] {4, 256})) {
          lookups(region, leader, keys, consistency, g, out);
        }
      }
      // Heap after a full GC, and disk.
      List<Map<String, Object>> daemons = new ArrayList<>();
      for (int i = 1; i <= TetherRegion.SIZE; i++) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("daemon", "d" + i);
        d.put("heap_used_after_gc_bytes", heapAfterGc(region, i));
        d.put("disk_bytes", du(region.dataDir(i)));
        daemons.add(d);
      }
      out.put("daemons", daemons);
      ctx.say("scale: daemons %s", daemons);
      // Catch-up of a new daemon through a snapshot.
      for (int i = 1; i <= TetherRegion.SIZE; i++) {
        for (String g : List.of("", RING)) {
          AdminServiceGrpc.newBlockingStub(region.channel(i))
              .withDeadlineAfter(300, TimeUnit.SECONDS)
              .snapshot(SnapshotRequest.newBuilder().setGroup(g).build());
        }
      }
      long commit = commitIndex(region, leader);
      region.startDaemon(4, true);
      Thread.sleep(2_000);
      long c0 = System.nanoTime();
      AdminServiceGrpc.newBlockingStub(region.channel(leader))
          .withDeadlineAfter(CATCH_UP_MS_MAX, TimeUnit.MILLISECONDS)
          .addDaemon(
              AddDaemonRequest.newBuilder()
                  .setId("d4")
                  .setRaftAddress("127.0.0.1:" + region.port(4, 1))
                  .setApiAddress(region.api(4))
                  .setHttpAddress("127.0.0.1:" + region.port(4, 3))
                  .build());
      double added = (System.nanoTime() - c0) / 1e9;
      double caught =
          awaitApplied(region, 4, commit, c0) ? (System.nanoTime() - c0) / 1e9 : Double.NaN;
      out.put("catch_up_add_daemon_returned_s", Stats.round(added, 2));
      out.put("catch_up_s", Stats.round(caught, 2));
      out.put("catch_up_target_index", commit);
      out.put("new_daemon_disk_bytes", du(region.dataDir(4)));
      ctx.say(
          "scale: AddDaemon returned after %.1f s; d4 applied the ring up to %d after %.1f s",
          added, commit, caught);
    }
    ctx.md.put("scale", Report.scaleMd(out));
  }

  /** Lookups at {@code consistency} on a {@code conns x inFlight} grid, keys from {@code keys}. */
  private void lookups(
      TetherRegion region,
      int leader,
      Workloads.Keys keys,
      Consistency consistency,
      int[] g,
      Map<String, Object> out)
      throws InterruptedException {
    Options o = ctx.opt;
    List<ManagedChannel> lch = new ArrayList<>();
    List<LoadGen.Conn> lc = new ArrayList<>();
    for (int c = 0; c < g[0]; c++) {
      ManagedChannel ch = TetherRegion.newChannel(region.api(1 + (leader - 1 + c) % 3));
      lch.add(ch);
      lc.add(Workloads.tetherLookup(ch, RING, keys, consistency));
    }
    String name =
        "lookup_" + consistency.name().substring(12).toLowerCase(java.util.Locale.ROOT) + "_";
    Quiet.Check q = ctx.quiet.await();
    LoadGen.Result lr = LoadGen.run(lc, g[1], o.warmupMs, o.measureMs);
    lch.forEach(ManagedChannel::shutdownNow);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ops_per_sec", Stats.round(lr.opsPerSec(), 1));
    m.put("p50_us", lr.p50Us());
    m.put("p99_us", lr.p99Us());
    m.put("errors", lr.errors());
    m.put("check", Ctx.quietMap(q));
    out.put(name + g[0] + "x" + g[1], m);
    ctx.say(
        "scale: %s lookups %dx%d: %.0f/s, p50 %.0f us, p99 %.0f us",
        consistency, g[0], g[1], lr.opsPerSec(), lr.p50Us(), lr.p99Us());
  }

  static String id(long i) {
    // 36 characters, like a UUID: a fixed prefix and the zero-padded index.
    return String.format("sess-%031d", i);
  }

  private static long ringSessions(TetherRegion region, int daemon) {
    return dev.tether.api.v1.AdminServiceGrpc.newBlockingStub(region.channel(daemon))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .getRing(
            dev.tether.api.v1.GetRingRequest.newBuilder()
                .setName(RING)
                .setConsistency(Consistency.CONSISTENCY_STALE)
                .build())
        .getRing()
        .getSessionCount();
  }

  private static long commitIndex(TetherRegion region, int daemon) {
    for (GroupStatus g : region.status(daemon).getGroupsList()) {
      if (g.getName().equals(RING)) {
        return g.getCommitIndex();
      }
    }
    return -1;
  }

  /**
   * Waits until {@code daemon} has applied the ring up to {@code index}, at most {@link
   * #CATCH_UP_MS_MAX} after {@code startNanos}; false if it did not. Polls the daemon's Status
   * every 100 ms: another process, with no event to wait on.
   */
  private static boolean awaitApplied(TetherRegion region, int daemon, long index, long startNanos)
      throws InterruptedException {
    long deadline = startNanos + CATCH_UP_MS_MAX * 1_000_000;
    while (ringApplied(region, daemon) < index) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static long ringApplied(TetherRegion region, int daemon) {
    try {
      for (GroupStatus g :
          AdminServiceGrpc.newBlockingStub(region.channel(daemon))
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .status(StatusRequest.getDefaultInstance())
              .getGroupsList()) {
        if (g.getName().equals(RING)) {
          return g.getAppliedIndex();
        }
      }
    } catch (RuntimeException e) {
      // Not serving yet.
    }
    return -1;
  }

  /** Live heap of daemon {@code i}: {@code jcmd GC.run}, then the JVM's heap-used gauge. */
  private long heapAfterGc(TetherRegion region, int i) throws Exception {
    long pid = region.pid(i);
    Process p = new ProcessBuilder("jcmd", "" + pid, "GC.run").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + region.port(i, 3) + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    long used = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
        used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return used;
  }

  /** Bytes on disk under {@code dir}, hard links (checkpoints share SST files) counted once. */
  static long du(Path dir) throws IOException, InterruptedException {
    if (!Files.exists(dir)) {
      return 0;
    }
    Process p = new ProcessBuilder("du", "-sb", dir.toString()).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    try {
      return Long.parseLong(out.trim().split("\\s+")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
