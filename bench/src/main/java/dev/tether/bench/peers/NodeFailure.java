package dev.tether.bench.peers;

import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.GetNodeRequest;
import dev.tether.api.v1.KeepAliveRequest;
import dev.tether.api.v1.KeepAliveResponse;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NodeState;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.SessionServiceGrpc;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Node failure: a node holding N sessions stops renewing its lease. Tether: the time from its last
 * renewal until the leader marked it DOWN and until none of its sessions is left on it (all
 * rehomed, new owners and fencing tokens committed). etcd, as the closest do-it-yourself
 * equivalent: N keys attached to one lease, the time from the last keepalive until a watch has seen
 * all N deletions (etcd only deletes; choosing new owners would be extra work on top).
 */
final class NodeFailure {
  static final String RING = "nf";

  /** Most time a failure may take to be handled before the trial gives up, milliseconds. */
  static final long HANDLED_MS_MAX = 60_000;

  /** Puts per etcd transaction while loading (etcd's --max-txn-ops default). */
  static final int ETCD_TXN_OPS = 128;

  /** Poll period of the failed node's record, milliseconds. */
  static final long POLL_MS = 5;

  private final Ctx ctx;

  NodeFailure(Ctx ctx) {
    this.ctx = ctx;
  }

  void run(TetherRegion tether, EtcdCluster etcd) throws Exception {
    Options o = ctx.opt;
    Policy policy = Policy.newBuilder().setLeaseTtlMs(o.leaseTtlMs).setBalanceFactor(10.0).build();
    tether.createRing(RING, policy, 0);
    List<Map<String, Object>> rows = new ArrayList<>();
    ctx.results.put("node_failure", rows);
    int trial = 0;
    try (Keeper keeper = new Keeper(tether.channel(1), o.leaseTtlMs / 4)) {
      for (String n : List.of("n2", "n3")) {
        tether.join(RING, n);
        keeper.keep(n);
      }
      for (int sessions : o.nodeFailSessions) {
        for (int t = 1; t <= o.nodeFailTrials; t++) {
          trial++;
          Map<String, Object> tr = tetherTrial(tether, keeper, sessions, trial);
          Map<String, Object> er = etcdTrial(etcd, sessions, trial);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("sessions", sessions);
          row.put("trial", t);
          row.put("tether", tr);
          row.put("etcd", er);
          rows.add(row);
        }
      }
    }
    ctx.md.put("node failure", Report.nodeFailureMd(rows, o.leaseTtlMs));
  }

  private Map<String, Object> tetherTrial(TetherRegion tether, Keeper keeper, int n, int trial)
      throws Exception {
    String node = "n1";
    tether.join(RING, node);
    keeper.keep(node);
    int leader = tether.awaitLeader(RING);
    // Pin n sessions to the node that will fail (the hint is honoured below its load cap, which a
    // balance factor of 10 keeps above its load).
    ManagedChannel ch = TetherRegion.newChannel(tether.api(leader));
    try {
      SessionServiceGrpc.SessionServiceStub stub = SessionServiceGrpc.newStub(ch);
      AtomicInteger next = new AtomicInteger();
      List<LoadGen.Conn> conns = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        conns.add(
            slot -> {
              int i = next.getAndIncrement();
              return i >= n
                  ? null
                  : Workloads.unary(
                      stub.withDeadlineAfter(30, TimeUnit.SECONDS)::open,
                      OpenRequest.newBuilder()
                          .setRing(RING)
                          .setSessionId("nf-" + trial + "-" + i)
                          .setHintNode(node)
                          .build());
            });
      }
      LoadGen.Result load = LoadGen.run(conns, 256, 0, 600_000);
      Node before = node(tether, leader, node);
      Quiet.Check q = ctx.quiet.await();
      long lastRenewal = keeper.stop(node);
      long down = -1;
      long done = -1;
      Node last = before;
      long deadline = System.nanoTime() + (ctx.opt.leaseTtlMs + HANDLED_MS_MAX) * 1_000_000L;
      while (System.nanoTime() < deadline && done < 0) {
        last = node(tether, leader, node);
        long now = System.nanoTime();
        if (down < 0 && last.getState() == NodeState.NODE_STATE_DOWN) {
          down = now;
        }
        if (down >= 0 && last.getSessionCount() == 0) {
          done = now;
        }
        Thread.sleep(POLL_MS);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("opened", load.ops());
      m.put("open_errors", load.errors());
      m.put("sessions_on_node", before.getSessionCount());
      m.put("lease_ttl_ms", ctx.opt.leaseTtlMs);
      m.put("detect_ms", down < 0 ? null : Stats.round((down - lastRenewal) / 1e6, 1));
      m.put("rehome_ms", done < 0 ? null : Stats.round((done - down) / 1e6, 1));
      m.put("total_ms", done < 0 ? null : Stats.round((done - lastRenewal) / 1e6, 1));
      m.put("left_on_node", last.getSessionCount());
      m.put("check", Ctx.quietMap(q));
      ctx.say(
          "node failure tether %7d sessions (on node %d): DOWN %s ms after the last renewal,"
              + " rehomed %s ms later, total %s ms  [load %.2f%s]",
          n,
          before.getSessionCount(),
          m.get("detect_ms"),
          m.get("rehome_ms"),
          m.get("total_ms"),
          q.load1(),
          q.quiet() ? "" : ", NOT QUIET");
      return m;
    } finally {
      ch.shutdownNow();
    }
  }

  private static Node node(TetherRegion tether, int daemon, String node) {
    return MembershipServiceGrpc.newBlockingStub(tether.channel(daemon))
        .withDeadlineAfter(2, TimeUnit.SECONDS)
        .getNode(
            GetNodeRequest.newBuilder()
                .setRing(RING)
                .setNodeId(node)
                .setConsistency(Consistency.CONSISTENCY_STALE)
                .build())
        .getNode();
  }

  private Map<String, Object> etcdTrial(EtcdCluster etcd, int n, int trial) throws Exception {
    long ttlS = Math.max(2, (ctx.opt.leaseTtlMs + 999) / 1000);
    String prefix = "nf/" + trial + "/";
    try (Client c = etcd.client(etcd.leader())) {
      long lease = c.getLeaseClient().grant(ttlS).get(10, TimeUnit.SECONDS).getID();
      AtomicLong lastKeepAlive = new AtomicLong(System.nanoTime());
      CloseableClient ka =
          c.getLeaseClient()
              .keepAlive(
                  lease,
                  new StreamObserver<LeaseKeepAliveResponse>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse r) {
                      lastKeepAlive.set(System.nanoTime());
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      ByteSequence value = ByteSequence.from(Workloads.payload(Throughput.VALUE_BYTES, 3));
      PutOption withLease = PutOption.builder().withLeaseId(lease).build();
      // Keys go in transactions of ETCD_TXN_OPS puts (etcd's --max-txn-ops default), so loading
      // stays well inside one lease TTL even on a busy machine.
      AtomicInteger next = new AtomicInteger();
      List<LoadGen.Conn> conns = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        conns.add(
            slot -> {
              int from = next.getAndAdd(ETCD_TXN_OPS);
              if (from >= n) {
                return null;
              }
              var txn = c.getKVClient().txn();
              List<io.etcd.jetcd.op.Op> puts = new ArrayList<>();
              for (int i = from; i < Math.min(n, from + ETCD_TXN_OPS); i++) {
                puts.add(
                    io.etcd.jetcd.op.Op.put(
                        ByteSequence.from(prefix + i, StandardCharsets.UTF_8), value, withLease));
              }
              return txn.Then(puts.toArray(new io.etcd.jetcd.op.Op[0])).commit();
            });
      }
      LoadGen.Result loadTxns = LoadGen.run(conns, 8, 0, 600_000);
      long keys = Math.min(n, loadTxns.ops() * (long) ETCD_TXN_OPS);
      AtomicInteger deleted = new AtomicInteger();
      CompletableFuture<Long> allDeleted = new CompletableFuture<>();
      Watch.Watcher w =
          c.getWatchClient()
              .watch(
                  ByteSequence.from(prefix, StandardCharsets.UTF_8),
                  WatchOption.builder().isPrefix(true).build(),
                  r -> {
                    for (WatchEvent e : r.getEvents()) {
                      if (e.getEventType() == WatchEvent.EventType.DELETE
                          && deleted.incrementAndGet() >= keys) {
                        allDeleted.complete(System.nanoTime());
                      }
                    }
                  });
      try {
        Thread.sleep(500);
        Quiet.Check q = ctx.quiet.await();
        ka.close();
        long last = lastKeepAlive.get();
        Long done;
        try {
          done = allDeleted.get(ttlS * 1000 + HANDLED_MS_MAX, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          done = null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keys", keys);
        m.put("load_errors", loadTxns.errors());
        m.put("lease_ttl_s", ttlS);
        m.put("total_ms", done == null ? null : Stats.round((done - last) / 1e6, 1));
        m.put("deleted_seen", deleted.get());
        m.put("check", Ctx.quietMap(q));
        ctx.say(
            "node failure etcd   %7d keys on one lease (TTL %d s): all deletions seen %s ms after"
                + " the last keepalive",
            keys, ttlS, m.get("total_ms"));
        return m;
      } finally {
        w.close();
      }
    }
  }

  /** KeepAlive streams of some nodes, each renewed every {@code periodMs}. */
  static final class Keeper implements AutoCloseable {
    private final ManagedChannel ch;
    private final long periodMs;
    private final java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keeper");
              t.setDaemon(true);
              return t;
            });
    private final Map<String, Stream> streams = new LinkedHashMap<>();

    private static final class Stream {
      StreamObserver<KeepAliveRequest> requests;
      java.util.concurrent.ScheduledFuture<?> task;
      final AtomicLong lastRenewed = new AtomicLong();
    }

    Keeper(ManagedChannel ch, long periodMs) {
      this.ch = ch;
      this.periodMs = periodMs;
    }

    synchronized void keep(String node) {
      if (streams.containsKey(node)) {
        return;
      }
      Stream s = new Stream();
      s.requests =
          MembershipServiceGrpc.newStub(ch)
              .keepAlive(
                  new StreamObserver<KeepAliveResponse>() {
                    @Override
                    public void onNext(KeepAliveResponse r) {
                      if (r.getRenewed()) {
                        s.lastRenewed.set(System.nanoTime());
                      }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      KeepAliveRequest req = KeepAliveRequest.newBuilder().setRing(RING).setNodeId(node).build();
      s.task =
          timer.scheduleAtFixedRate(
              () -> {
                synchronized (s) {
                  s.requests.onNext(req);
                }
              },
              0,
              periodMs,
              TimeUnit.MILLISECONDS);
      streams.put(node, s);
    }

    /** Stops renewing {@code node}; returns when its last renewal was confirmed (nanoTime). */
    long stop(String node) throws InterruptedException {
      Stream s;
      synchronized (this) {
        s = streams.remove(node);
      }
      s.task.cancel(false);
      Thread.sleep(50); // a renewal already sent may still be answered: it counts as the last
      synchronized (s) {
        s.requests.onCompleted();
      }
      return s.lastRenewed.get();
    }

    @Override
    public synchronized void close() {
      for (Stream s : streams.values()) {
        s.task.cancel(false);
        synchronized (s) {
          s.requests.onCompleted();
        }
      }
      streams.clear();
      timer.shutdownNow();
    }
  }
}
