package dev.tether.bench.peers;

import dev.tether.api.v1.AddDaemonRequest;
import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.GroupStatus;
import dev.tether.api.v1.OpenRequest;
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
 * with Opens through group commit, many in flight. Then lookup latency, daemon heap (live, after a
 * full GC), disk per daemon, and the time for a fourth daemon to catch up through a snapshot.
 * Tether only: etcd's default 2 GiB quota holds about 5M such keys, and this phase's question is
 * Tether's own limits.
 */
final class Scale {
  static final String RING = "scale";

  /** Open requests in flight while loading. */
  static final int LOAD_CONNS = 4;

  static final int LOAD_IN_FLIGHT = 512;

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
      // Load.
      long t0 = System.nanoTime();
      AtomicLong next = new AtomicLong();
      long target = o.scaleSessions;
      List<ManagedChannel> chs = new ArrayList<>();
      List<LoadGen.Conn> conns = new ArrayList<>();
      for (int c = 0; c < LOAD_CONNS; c++) {
        ManagedChannel ch = TetherRegion.newChannel(region.api(1 + (leader - 1 + c) % 3));
        chs.add(ch);
        SessionServiceGrpc.SessionServiceStub stub = SessionServiceGrpc.newStub(ch);
        conns.add(
            slot -> {
              long i = next.getAndIncrement();
              return i >= target
                  ? null
                  : Workloads.unary(
                      stub.withDeadlineAfter(60, TimeUnit.SECONDS)::open,
                      OpenRequest.newBuilder().setRing(RING).setSessionId(id(i)).build());
            });
      }
      ctx.say("scale: loading up to %d sessions for at most %d s", target, o.scaleLoadMs / 1000);
      LoadGen.Result load = LoadGen.run(conns, LOAD_IN_FLIGHT, 0, o.scaleLoadMs);
      chs.forEach(ManagedChannel::shutdownNow);
      double loadS = (System.nanoTime() - t0) / 1e9;
      long sessions = ringSessions(region, leader);
      out.put("target_sessions", target);
      out.put("sessions", sessions);
      out.put("load_seconds", Stats.round(loadS, 1));
      out.put("load_opens_per_sec", Stats.round(load.opsPerSec(), 1));
      out.put("load_errors", load.errors());
      ctx.say(
          "scale: %d sessions in %.0f s (%.0f opens/s, %d errors)",
          sessions, loadS, load.opsPerSec(), load.errors());
      // Lookups at that size, keys drawn from the loaded ones.
      int loaded = (int) Math.min(Integer.MAX_VALUE, Math.min(next.get(), target));
      Workloads.Keys keys = new Workloads.Keys(0, 0);
      String[] sample = new String[Math.min(100_000, Math.max(1, loaded))];
      java.util.Random r = new java.util.Random(7);
      for (int i = 0; i < sample.length; i++) {
        sample[i] = id(r.nextInt(Math.max(1, loaded)));
      }
      keys = new Workloads.Keys(sample);
      for (int[] g : List.of(new int[] {1, 1}, new int[] {4, 256})) {
        List<ManagedChannel> lch = new ArrayList<>();
        List<LoadGen.Conn> lc = new ArrayList<>();
        for (int c = 0; c < g[0]; c++) {
          ManagedChannel ch = TetherRegion.newChannel(region.api(1 + (leader - 1 + c) % 3));
          lch.add(ch);
          lc.add(Workloads.tetherLookup(ch, RING, keys, Consistency.CONSISTENCY_LINEARIZABLE));
        }
        Quiet.Check q = ctx.quiet.await();
        LoadGen.Result lr = LoadGen.run(lc, g[1], o.warmupMs, o.measureMs);
        lch.forEach(ManagedChannel::shutdownNow);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ops_per_sec", Stats.round(lr.opsPerSec(), 1));
        m.put("p50_us", lr.p50Us());
        m.put("p99_us", lr.p99Us());
        m.put("errors", lr.errors());
        m.put("check", Ctx.quietMap(q));
        out.put("lookup_linearizable_" + g[0] + "x" + g[1], m);
        ctx.say(
            "scale: linearizable lookups %dx%d: %.0f/s, p50 %.0f us, p99 %.0f us",
            g[0], g[1], lr.opsPerSec(), lr.p50Us(), lr.p99Us());
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
      double caught = Double.NaN;
      long deadline = c0 + CATCH_UP_MS_MAX * 1_000_000;
      while (System.nanoTime() < deadline) {
        if (ringApplied(region, 4) >= commit) {
          caught = (System.nanoTime() - c0) / 1e9;
          break;
        }
        Thread.sleep(100);
      }
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
