package dev.tether.bench.peers;

import dev.tether.api.v1.GroupStatus;
import dev.tether.client.TetherClient;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leader kill -9 under write load, and leader changes in a steady run. One writer, one request in
 * flight, through each system's own client (TetherClient with its endpoint failover and leader
 * hints; jetcd with all endpoints), each request bounded by {@link #OP_TIMEOUT_MS}. The metric is
 * the largest gap between consecutive successful writes around the kill (performance-anchors.md
 * section 4.3), which does not depend on when the in-flight request happened to be sent.
 */
final class Failover {
  /** Per-request bound of the writer, both systems, milliseconds. */
  static final long OP_TIMEOUT_MS = 300;

  /** Writes before the kill, milliseconds. */
  static final long BEFORE_KILL_MS = 1_500;

  /** Most successes a writer records (bounds its memory). */
  static final int SUCCESSES_MAX = 2_000_000;

  private final Ctx ctx;

  Failover(Ctx ctx) {
    this.ctx = ctx;
  }

  /** A system under the failover test: its writer, leader, kill and restart. */
  interface Target {
    String label();

    /** One write; throws on failure or timeout. */
    void write(long i) throws Exception;

    /** The 1-based member that leads, 0 if none. */
    int leader();

    void kill9(int member);

    void restart(int member) throws Exception;

    /** Elections and leader changes since start, as counted from the system itself. */
    Map<String, Object> terms();
  }

  void run() throws Exception {
    Options o = ctx.opt;
    int e = o.failoverElectionMs;
    List<Map<String, Object>> configs = new ArrayList<>();
    ctx.results.put("failover", configs);
    configs.add(tether(e, true));
    configs.add(etcd(100, 1_000, false));
    if (e != 1_000) {
      configs.add(etcd(Math.max(10, e / 10), e, true));
      if (!o.quick) {
        configs.add(tether(1_000, false));
      }
    }
    ctx.md.put("failover", Report.failoverMd(configs));
  }

  private Map<String, Object> tether(int electionMs, boolean steady) throws Exception {
    Map<String, String> conf = new LinkedHashMap<>(ctx.opt.tetherSet);
    conf.put("timeouts.election_ms", "" + electionMs);
    try (TetherRegion region = ctx.region("fo-tether-" + electionMs, conf)) {
      region.start();
      region.createRing(Throughput.RING, Throughput.LONG_LEASE, 3);
      List<String> eps = new ArrayList<>();
      for (int i = 1; i <= TetherRegion.SIZE; i++) {
        eps.add(region.api(i));
      }
      try (TetherClient client =
          TetherClient.builder()
              .endpoints(eps)
              .deadline(Duration.ofMillis(OP_TIMEOUT_MS))
              .retryBudget(3)
              .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
              .build()) {
        Target t =
            new Target() {
              @Override
              public String label() {
                return "tether timeouts.election_ms=" + electionMs;
              }

              @Override
              public void write(long i) {
                client.openSession(Throughput.RING, "fo-" + (i % 100_000));
              }

              @Override
              public int leader() {
                return region.leader(Throughput.RING);
              }

              @Override
              public void kill9(int member) {
                region.kill9(member);
              }

              @Override
              public void restart(int member) throws Exception {
                region.startDaemon(member, false);
                for (int d = 1; d <= TetherRegion.SIZE; d++) {
                  region.awaitReady(d);
                }
              }

              @Override
              public Map<String, Object> terms() {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int d = 1; d <= TetherRegion.SIZE; d++) {
                  try {
                    for (GroupStatus g : region.status(d).getGroupsList()) {
                      m.merge(
                          g.getName() + "_term",
                          g.getTerm(),
                          (a, b) -> Math.max((long) a, (long) b));
                    }
                  } catch (RuntimeException ex) {
                    // Down: the others answer.
                  }
                }
                return m;
              }
            };
        return runConfig(t, steady);
      }
    }
  }

  private Map<String, Object> etcd(int heartbeatMs, int electionMs, boolean steady)
      throws Exception {
    try (EtcdCluster etcd = ctx.etcd("fo-etcd-" + electionMs, heartbeatMs, electionMs)) {
      etcd.start();
      try (Client client = etcd.clientAll()) {
        ByteSequence value = ByteSequence.from(Workloads.payload(Throughput.VALUE_BYTES, 1));
        Target t =
            new Target() {
              @Override
              public String label() {
                return etcd.label();
              }

              @Override
              public void write(long i) throws Exception {
                client
                    .getKVClient()
                    .put(ByteSequence.from("fo-" + (i % 100_000), StandardCharsets.UTF_8), value)
                    .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
              }

              @Override
              public int leader() {
                return etcd.leader();
              }

              @Override
              public void kill9(int member) {
                etcd.kill9(member);
              }

              @Override
              public void restart(int member) throws Exception {
                etcd.startMember(member);
                etcd.awaitHealthy();
              }

              @Override
              public Map<String, Object> terms() {
                Map<String, Object> m = new LinkedHashMap<>();
                long term = 0;
                for (int i = 1; i <= EtcdCluster.SIZE; i++) {
                  try {
                    StatusResponse s =
                        client
                            .getMaintenanceClient()
                            .statusMember(etcd.endpoint(i))
                            .get(2, TimeUnit.SECONDS);
                    term = Math.max(term, s.getRaftTerm());
                  } catch (Exception ex) {
                    // Down: the others answer.
                  }
                }
                m.put("raft_term", term);
                try {
                  m.put("became_leader_log_lines", etcd.leaderElections());
                } catch (java.io.IOException ex) {
                  m.put("became_leader_log_lines", -1);
                }
                return m;
              }
            };
        return runConfig(t, steady);
      }
    }
  }

  private Map<String, Object> runConfig(Target t, boolean steady) throws Exception {
    Options o = ctx.opt;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("system", t.label());
    List<Map<String, Object>> trials = new ArrayList<>();
    out.put("trials", trials);
    List<Double> gaps = new ArrayList<>();
    int trialsToRun = o.phases.contains("failover") ? o.failoverTrials : 0;
    for (int n = 1; n <= trialsToRun; n++) {
      Quiet.Check q = ctx.quiet.await();
      Writer w = new Writer(t);
      w.start();
      Thread.sleep(BEFORE_KILL_MS);
      int leader = t.leader();
      long kill = System.nanoTime();
      java.time.Instant killWall = java.time.Instant.now();
      t.kill9(leader);
      long killedAt = System.nanoTime();
      Thread.sleep(Math.max(4_000, 6L * electionOf(t)));
      w.stop();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("trial", n);
      m.put("killed_member", leader);
      m.put("killed_at", killWall.toString());
      m.put("kill_ms", (killedAt - kill) / 1e6);
      double gap = w.maxGapMsAround(kill);
      m.put("max_gap_ms", Stats.round(gap, 1));
      m.put("kill_to_first_ok_ms", Stats.round(w.firstOkAfterMs(kill), 1));
      m.put("writes", w.successes());
      m.put("check", Ctx.quietMap(q));
      trials.add(m);
      gaps.add(gap);
      ctx.say(
          "failover %-45s trial %d: killed %d at %s, max gap %.0f ms, first ok %.0f ms after"
              + " the kill  [load %.2f%s]",
          t.label(),
          n,
          leader,
          killWall.toString().substring(11, 23),
          gap,
          w.firstOkAfterMs(kill),
          q.load1(),
          q.quiet() ? "" : ", NOT QUIET");
      t.restart(leader);
      Thread.sleep(1_000);
    }
    out.put("median_gap_ms", Stats.round(Stats.median(gaps), 1));
    out.put("min_gap_ms", Stats.round(Stats.quantile(gaps, 0), 1));
    out.put("max_gap_ms", Stats.round(Stats.quantile(gaps, 1), 1));
    if (steady && o.phases.contains("steady")) {
      out.put("steady", steady(t));
    }
    return out;
  }

  private static long electionOf(Target t) {
    String l = t.label();
    int i = l.lastIndexOf('=');
    try {
      return Long.parseLong(l.substring(i + 1).trim());
    } catch (NumberFormatException e) {
      return 1_000;
    }
  }

  /** A write load with no kill for {@code steadyMs}: elections that happen anyway are spurious. */
  private Map<String, Object> steady(Target t) throws Exception {
    Quiet.Check q = ctx.quiet.await();
    Map<String, Object> before = t.terms();
    ctx.say("steady run of %s for %d s under write load", t.label(), ctx.opt.steadyMs / 1000);
    Writer w = new Writer(t);
    long start = System.nanoTime();
    w.start();
    Thread.sleep(ctx.opt.steadyMs);
    w.stop();
    Map<String, Object> after = t.terms();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds", ctx.opt.steadyMs / 1000);
    m.put("writes", w.successes());
    m.put("failed_writes", w.failures());
    m.put("max_gap_ms", Stats.round(w.maxGapMsAround(start), 1));
    m.put("before", before);
    m.put("after", after);
    long changes = 0;
    for (var e : after.entrySet()) {
      if (e.getValue() instanceof Number a && before.get(e.getKey()) instanceof Number b) {
        changes += a.longValue() - b.longValue();
      }
    }
    m.put("term_increments", changes);
    m.put("check", Ctx.quietMap(q));
    ctx.say(
        "steady %s: %d writes, %d failed, %d term increments (before %s, after %s)",
        t.label(), w.successes(), w.failures(), changes, before, after);
    return m;
  }

  /** One closed-loop writer thread that records the time of every success. */
  static final class Writer {
    private final Target target;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final long[] okAt = new long[SUCCESSES_MAX];
    private int ok;
    private long failed;
    private long stoppedAt;
    private Thread thread;

    Writer(Target target) {
      this.target = target;
    }

    void start() {
      thread =
          new Thread(
              () -> {
                long i = 0;
                while (!stop.get() && ok < SUCCESSES_MAX) {
                  try {
                    target.write(i++);
                    synchronized (this) {
                      okAt[ok++] = System.nanoTime();
                    }
                  } catch (Exception | AssertionError e) {
                    synchronized (this) {
                      failed++;
                    }
                  }
                }
              },
              "failover-writer");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      synchronized (this) {
        stoppedAt = System.nanoTime();
      }
      thread.join(10_000);
    }

    synchronized int successes() {
      return ok;
    }

    synchronized long failures() {
      return failed;
    }

    /**
     * Largest gap between consecutive successes among those that end after {@code from}; a writer
     * with no success after {@code from} counts the open gap up to when it was stopped.
     */
    synchronized double maxGapMsAround(long from) {
      long max = 0;
      for (int i = 1; i < ok; i++) {
        if (okAt[i] >= from) {
          max = Math.max(max, okAt[i] - okAt[i - 1]);
        }
      }
      if (stoppedAt > 0) {
        long last = ok == 0 ? from : okAt[ok - 1];
        max = Math.max(max, stoppedAt - last);
      }
      return max / 1e6;
    }

    synchronized double firstOkAfterMs(long from) {
      for (int i = 0; i < ok; i++) {
        if (okAt[i] > from) {
          return (okAt[i] - from) / 1e6;
        }
      }
      return Double.NaN;
    }
  }
}
