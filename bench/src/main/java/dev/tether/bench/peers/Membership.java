package dev.tether.bench.peers;

import dev.tether.api.v1.DrainRequest;
import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.LeaveRequest;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.WatchRingRequest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Join, drain and leave, one at a time: the time from sending the change until every member serves
 * it. Tether: the change's ring epoch has reached the WatchRing stream of every daemon. etcd (the
 * do-it-yourself equivalent): a put, put, delete of a membership key, until a watch on every member
 * has seen its revision.
 */
final class Membership {
  /** Longest wait for every member to see one change, milliseconds. */
  static final long SEEN_MS_MAX = 10_000;

  private final Ctx ctx;

  Membership(Ctx ctx) {
    this.ctx = ctx;
  }

  /** Arrival times of versions (epochs or revisions) at one member. */
  static final class Seen {
    private final List<long[]> arrivals = new ArrayList<>();

    synchronized void add(long version) {
      arrivals.add(new long[] {version, System.nanoTime()});
      notifyAll();
    }

    /** When this member first saw a version of at least {@code v}; waits, bounded. */
    synchronized long awaitAtLeast(long v, long deadline) throws InterruptedException {
      while (true) {
        for (long[] a : arrivals) {
          if (a[0] >= v) {
            return a[1];
          }
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return -1;
        }
        wait(left);
      }
    }
  }

  void run(TetherRegion tether, EtcdCluster etcd) throws Exception {
    Options o = ctx.opt;
    String ring = Throughput.RING;
    List<Seen> tSeen = new ArrayList<>();
    List<ManagedChannel> chs = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    List<Watch.Watcher> watchers = new ArrayList<>();
    Map<String, List<Double>> lat = new LinkedHashMap<>();
    try {
      for (int i = 1; i <= TetherRegion.SIZE; i++) {
        Seen s = new Seen();
        tSeen.add(s);
        ManagedChannel ch = TetherRegion.newChannel(tether.api(i));
        chs.add(ch);
        OwnerServiceGrpc.newStub(ch)
            .watchRing(
                WatchRingRequest.newBuilder().setRing(ring).build(),
                new StreamObserver<RingUpdate>() {
                  @Override
                  public void onNext(RingUpdate u) {
                    s.add(u.getEpoch());
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
      }
      List<Seen> eSeen = new ArrayList<>();
      ByteSequence prefix = ByteSequence.from("members/", StandardCharsets.UTF_8);
      for (int i = 1; i <= EtcdCluster.SIZE; i++) {
        Seen s = new Seen();
        eSeen.add(s);
        Client c = etcd.client(i);
        clients.add(c);
        watchers.add(
            c.getWatchClient()
                .watch(
                    prefix,
                    WatchOption.builder().isPrefix(true).build(),
                    r -> s.add(r.getHeader().getRevision())));
      }
      Thread.sleep(1_000);
      ManagedChannel leader = TetherRegion.newChannel(tether.api(tether.awaitLeader(ring)));
      chs.add(leader);
      var ms = MembershipServiceGrpc.newBlockingStub(leader);
      Client ec = clients.get(Math.max(0, etcd.leader() - 1));
      for (int k = 1; k <= o.membershipChanges; k++) {
        Quiet.Check q = ctx.quiet.await();
        String node = "m" + k;
        ByteSequence key = ByteSequence.from("members/" + node, StandardCharsets.UTF_8);
        for (String op : List.of("join", "drain", "leave")) {
          long t0 = System.nanoTime();
          long epoch =
              switch (op) {
                case "join" ->
                    ms.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .join(
                            JoinRequest.newBuilder()
                                .setRing(ring)
                                .setNodeId(node)
                                .setAddress("127.0.0.1:" + (19_500 + k))
                                .setWeight(1)
                                .setWarmupMs(0)
                                .build())
                        .getRingEpoch();
                case "drain" ->
                    ms.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .drain(DrainRequest.newBuilder().setRing(ring).setNodeId(node).build())
                        .getRingEpoch();
                default ->
                    ms.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .leave(LeaveRequest.newBuilder().setRing(ring).setNodeId(node).build())
                        .getRingEpoch();
              };
          lat.computeIfAbsent("tether " + op + " committed", x -> new ArrayList<>())
              .add((System.nanoTime() - t0) / 1e6);
          lat.computeIfAbsent("tether " + op, x -> new ArrayList<>())
              .add(allSeenMs(tSeen, epoch, t0));
          long e0 = System.nanoTime();
          long rev =
              switch (op) {
                case "join" ->
                    ec.getKVClient()
                        .put(
                            key,
                            ByteSequence.from(
                                "active 127.0.0.1:" + (19_500 + k), StandardCharsets.UTF_8))
                        .get(5, TimeUnit.SECONDS)
                        .getHeader()
                        .getRevision();
                case "drain" ->
                    ec.getKVClient()
                        .put(
                            key,
                            ByteSequence.from(
                                "draining 127.0.0.1:" + (19_500 + k), StandardCharsets.UTF_8))
                        .get(5, TimeUnit.SECONDS)
                        .getHeader()
                        .getRevision();
                default ->
                    ec.getKVClient().delete(key).get(5, TimeUnit.SECONDS).getHeader().getRevision();
              };
          lat.computeIfAbsent("etcd " + op + " committed", x -> new ArrayList<>())
              .add((System.nanoTime() - e0) / 1e6);
          lat.computeIfAbsent("etcd " + op, x -> new ArrayList<>()).add(allSeenMs(eSeen, rev, e0));
        }
        if (!q.quiet()) {
          ctx.say("membership change %d ran NOT QUIET (load %.2f)", k, q.load1());
        }
      }
    } finally {
      watchers.forEach(Watch.Watcher::close);
      chs.forEach(ManagedChannel::shutdownNow);
      clients.forEach(Client::close);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder();
    md.append(
        "| change | Tether p50 ms | Tether p99 ms | etcd p50 ms | etcd p99 ms | ratio p50 T/etcd |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (String op : List.of("join", "drain", "leave")) {
      List<Double> t = lat.get("tether " + op);
      List<Double> e = lat.get("etcd " + op);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("tether_ms", t);
      m.put("etcd_ms", e);
      m.put(
          "tether_committed_p50_ms",
          Stats.round(Stats.median(lat.get("tether " + op + " committed")), 2));
      m.put(
          "etcd_committed_p50_ms",
          Stats.round(Stats.median(lat.get("etcd " + op + " committed")), 2));
      m.put("tether_p50_ms", Stats.round(Stats.median(t), 2));
      m.put("tether_p99_ms", Stats.round(Stats.quantile(t, 0.99), 2));
      m.put("etcd_p50_ms", Stats.round(Stats.median(e), 2));
      m.put("etcd_p99_ms", Stats.round(Stats.quantile(e, 0.99), 2));
      out.put(op, m);
      md.append(
          String.format(
              "| %s | %.2f | %.2f | %.2f | %.2f | %.2f× | %.2f / %.2f |%n",
              op,
              Stats.median(t),
              Stats.quantile(t, 0.99),
              Stats.median(e),
              Stats.quantile(e, 0.99),
              Stats.median(t) / Stats.median(e),
              Stats.median(lat.get("tether " + op + " committed")),
              Stats.median(lat.get("etcd " + op + " committed"))));
      ctx.say(
          "membership %-5s: tether p50 %.1f ms p99 %.1f ms; etcd p50 %.1f ms p99 %.1f ms",
          op, Stats.median(t), Stats.quantile(t, 0.99), Stats.median(e), Stats.quantile(e, 0.99));
    }
    md.append(
        String.format(
            "%n%d changes of each kind; latency = from sending the change until every member"
                + " serves it (Tether: the epoch on every daemon's WatchRing stream; etcd: the"
                + " revision on a watch of every member). NaN = not seen within %d ms.%n",
            o.membershipChanges, SEEN_MS_MAX));
    ctx.results.put("membership", out);
    ctx.md.put("membership", md.toString());
  }

  /** Milliseconds from {@code t0} until every member saw version {@code v}; NaN if one did not. */
  private static double allSeenMs(List<Seen> members, long v, long t0) throws InterruptedException {
    long deadline = System.nanoTime() + SEEN_MS_MAX * 1_000_000;
    long last = t0;
    for (Seen s : members) {
      long at = s.awaitAtLeast(v, deadline);
      if (at < 0) {
        return Double.NaN;
      }
      last = Math.max(last, at);
    }
    return (last - t0) / 1e6;
  }
}
