package dev.tether.bench.peers;

import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.Policy;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput and latency, A/B interleaved: for every scenario and concurrency, each trial runs
 * every system once, in an order that alternates (A B, B A, ...), each after a quiet check.
 * Scenarios: pin (Open vs put), CAS (PutState vs Txn), linearizable and stale lookups (vs etcd
 * linearizable and serializable get), with the gRPC echo ceiling run beside the linearizable
 * lookups.
 */
final class Throughput {
  static final String RING = "bench";

  /** A ring whose leases never lapse during a run: throughput needs no keepalive traffic. */
  static final Policy LONG_LEASE = Policy.newBuilder().setLeaseTtlMs(3_600_000).build();

  static final int VALUE_BYTES = 256;
  static final int STATE_BYTES = 1024;

  /** Bound of the untimed populate step, milliseconds. */
  static final long POPULATE_MS_MAX = 300_000;

  private final Ctx ctx;
  private final List<Cell> cells = new ArrayList<>();

  /** One scenario at one concurrency: every system's trials. */
  record Cell(
      String scenario, int conns, int inFlight, Map<String, List<Map<String, Object>>> trials) {
    String grid() {
      return conns + "x" + inFlight;
    }
  }

  Throughput(Ctx ctx) {
    this.ctx = ctx;
  }

  List<Cell> cells() {
    return cells;
  }

  void run() throws Exception {
    Options o = ctx.opt;
    Map<String, String> tetherConf = new LinkedHashMap<>();
    tetherConf.put("timeouts.election_ms", "" + o.tetherElectionMs);
    tetherConf.putAll(o.tetherSet);
    try (EtcdCluster etcd = ctx.etcd("tp-etcd", 100, 1000);
        TetherRegion tether = ctx.region("tp-tether", tetherConf)) {
      ctx.say("starting etcd (%s) and tether (%s)", etcd.label(), tether.label());
      etcd.start();
      tether.start();
      tether.createRing(RING, LONG_LEASE, 3);
      if (o.phases.contains("throughput")) {
        startEcho();
      }
      Workloads.Keys keys = new Workloads.Keys(o.keys, 42);
      byte[] value = Workloads.payload(VALUE_BYTES, 1);
      if (o.phases.contains("throughput")) {
        ctx.guard(
            "throughput",
            () -> {
              populate(tether, etcd, keys, value);
              for (String scenario : o.scenarios) {
                for (int[] g : o.grid(scenario)) {
                  runCell(scenario, g[0], g[1], tether, etcd, keys, value);
                  ctx.results.put("throughput", Report.throughputJson(cells));
                }
              }
            });
      }
      if (o.phases.contains("membership")) {
        ctx.guard("membership", () -> new Membership(ctx).run(tether, etcd));
      }
      if (o.phases.contains("nodefail")) {
        ctx.guard("nodefail", () -> new NodeFailure(ctx).run(tether, etcd));
      }
    } finally {
      ctx.procs.stop("echo");
    }
  }

  private void startEcho() throws Exception {
    ctx.procs.start(
        "echo",
        List.of(
            ctx.javaBin,
            "-cp",
            ctx.benchClasspath,
            "dev.tether.bench.peers.EchoServer",
            "" + ctx.opt.echoPort),
        ctx.logDir().resolve("echo.log"),
        Map.of());
    ManagedChannel ch = TetherRegion.newChannel("127.0.0.1:" + ctx.opt.echoPort);
    try {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        try {
          Workloads.echo(ch, new byte[8]).call(0).get(1, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("echo server did not start", e);
          }
          Thread.sleep(200);
        }
      }
    } finally {
      ch.shutdownNow();
    }
  }

  /** Opens every key in Tether and puts every key in etcd (not measured). */
  private void populate(TetherRegion tether, EtcdCluster etcd, Workloads.Keys keys, byte[] value)
      throws Exception {
    long ms = Math.min(POPULATE_MS_MAX, Math.max(30_000, keys.ids.length));
    ctx.say("populating %d keys in each system", keys.ids.length);
    List<ManagedChannel> chs = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    try {
      List<LoadGen.Conn> t = new ArrayList<>();
      List<LoadGen.Conn> e = new ArrayList<>();
      var tNext = new java.util.concurrent.atomic.AtomicInteger();
      var eNext = new java.util.concurrent.atomic.AtomicInteger();
      int n = keys.ids.length;
      for (int c = 0; c < 4; c++) {
        ManagedChannel ch = TetherRegion.newChannel(tether.api(1 + c % 3));
        chs.add(ch);
        t.add(once(i -> Workloads.tetherOpenId(ch, RING, keys.ids[i]), tNext, n));
        Client cl = etcd.client(1 + c % 3);
        clients.add(cl);
        io.etcd.jetcd.ByteSequence v = io.etcd.jetcd.ByteSequence.from(value);
        e.add(once(i -> cl.getKVClient().put(keys.etcdKeys[i], v), eNext, n));
      }
      LoadGen.Result rt = LoadGen.run(t, 256, 0, ms);
      LoadGen.Result re = LoadGen.run(e, 256, 0, ms);
      ctx.say(
          "populated: tether %d opens (%.0f/s, %d errors), etcd %d puts (%.0f/s, %d errors)",
          rt.ops(), rt.opsPerSec(), rt.errors(), re.ops(), re.opsPerSec(), re.errors());
    } finally {
      chs.forEach(ManagedChannel::shutdownNow);
      clients.forEach(Client::close);
    }
  }

  /** A conn that sends each key once over all conns sharing {@code next}, then stops. */
  private static LoadGen.Conn once(
      java.util.function.IntFunction<java.util.concurrent.CompletableFuture<?>> send,
      java.util.concurrent.atomic.AtomicInteger next,
      int count) {
    return slot -> {
      int i = next.getAndIncrement();
      return i < count ? send.apply(i) : null;
    };
  }

  private void runCell(
      String scenario,
      int conns,
      int inFlight,
      TetherRegion tether,
      EtcdCluster etcd,
      Workloads.Keys keys,
      byte[] value)
      throws Exception {
    Options o = ctx.opt;
    Cell cell = new Cell(scenario, conns, inFlight, new LinkedHashMap<>());
    cells.add(cell);
    List<String> systems = new ArrayList<>(List.of("tether", "etcd"));
    if (scenario.equals("lookup-linearizable")) {
      systems.add("echo");
    }
    systems.retainAll(o.systems);
    int tLeader = tether.awaitLeader(RING);
    int eLeader = etcd.leader();
    List<ManagedChannel> chs = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    Map<String, List<LoadGen.Conn>> connsBy = new LinkedHashMap<>();
    Workloads.TetherCas tcas = new Workloads.TetherCas(RING, conns * inFlight, new byte[0]);
    Workloads.EtcdCas ecas = new Workloads.EtcdCas(conns * inFlight, new byte[0]);
    if (scenario.equals("cas")) {
      tcas = new Workloads.TetherCas(RING, conns * inFlight, Workloads.payload(STATE_BYTES, 2));
      ecas = new Workloads.EtcdCas(conns * inFlight, Workloads.payload(STATE_BYTES, 2));
    }
    try {
      for (String s : List.of("tether", "etcd", "echo")) {
        connsBy.put(s, new ArrayList<>());
      }
      for (int c = 0; c < conns; c++) {
        // One connection goes to the leader; more are spread over the members from the leader on.
        int tm = 1 + (tLeader - 1 + c) % 3;
        int em = 1 + (eLeader - 1 + c) % 3;
        ManagedChannel tch = TetherRegion.newChannel(tether.api(tm));
        chs.add(tch);
        Client ecl = etcd.client(em);
        clients.add(ecl);
        switch (scenario) {
          case "write" -> {
            connsBy.get("tether").add(Workloads.tetherOpen(tch, RING, keys));
            connsBy.get("etcd").add(Workloads.etcdPut(ecl, keys, value));
          }
          case "cas" -> {
            connsBy.get("tether").add(tcas.conn(tch));
            connsBy.get("etcd").add(ecas.conn(ecl));
          }
          case "lookup-linearizable" -> {
            connsBy
                .get("tether")
                .add(Workloads.tetherLookup(tch, RING, keys, Consistency.CONSISTENCY_LINEARIZABLE));
            connsBy.get("etcd").add(Workloads.etcdGet(ecl, keys, false));
            ManagedChannel ech = TetherRegion.newChannel("127.0.0.1:" + o.echoPort);
            chs.add(ech);
            connsBy.get("echo").add(Workloads.echo(ech, value));
          }
          case "lookup-stale" -> {
            connsBy
                .get("tether")
                .add(Workloads.tetherLookup(tch, RING, keys, Consistency.CONSISTENCY_STALE));
            connsBy.get("etcd").add(Workloads.etcdGet(ecl, keys, true));
          }
          default -> throw new IllegalArgumentException(scenario);
        }
      }
      for (int t = 0; t < o.trials; t++) {
        List<String> order = new ArrayList<>(systems);
        if (t % 2 == 1) {
          java.util.Collections.reverse(order);
        }
        for (String s : order) {
          if (scenario.equals("cas")) {
            if (s.equals("tether")) {
              tcas.setup(tether.channel(tLeader), conns * inFlight);
            } else {
              ecas.setup(clients.get(0), conns * inFlight);
            }
          }
          Quiet.Check q = ctx.quiet.await();
          long conflicts0 = s.equals("tether") ? tcas.conflicts.get() : ecas.conflicts.get();
          long warmup = t == 0 ? Math.max(o.warmupMs, o.firstWarmupMs) : o.warmupMs;
          LoadGen.Result r = LoadGen.run(connsBy.get(s), inFlight, warmup, o.measureMs);
          long conflicts =
              (s.equals("tether") ? tcas.conflicts.get() : ecas.conflicts.get()) - conflicts0;
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("trial", t + 1);
          m.put("ops_per_sec", Stats.round(r.opsPerSec(), 1));
          m.put("p50_us", r.p50Us());
          m.put("p99_us", r.p99Us());
          m.put("p999_us", r.p999Us());
          m.put("max_us", r.maxUs());
          m.put("ops", r.ops());
          m.put("errors", r.errors());
          if (r.firstError() != null) {
            m.put("first_error", r.firstError());
          }
          if (scenario.equals("cas")) {
            m.put("cas_conflicts", conflicts);
          }
          m.put("check", Ctx.quietMap(q));
          cell.trials().computeIfAbsent(s, k -> new ArrayList<>()).add(m);
          ctx.say(
              "%-20s %-7s %6s trial %d: %9.0f ops/s  p50 %7.0f us  p99 %8.0f us  errors %d%s"
                  + "  [load %.2f, others %.2f cores%s]",
              scenario,
              s,
              cell.grid(),
              t + 1,
              r.opsPerSec(),
              r.p50Us(),
              r.p99Us(),
              r.errors(),
              scenario.equals("cas") ? "  conflicts " + conflicts : "",
              q.load1(),
              q.foreignCores(),
              q.quiet() ? "" : ", NOT QUIET");
        }
      }
    } finally {
      chs.forEach(ManagedChannel::shutdownNow);
      clients.forEach(Client::close);
    }
  }
}
