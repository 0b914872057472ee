package dev.tether.chaos.nemesis;

import dev.tether.chaos.cluster.Cluster;
import dev.tether.chaos.cluster.StatusPoller;
import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.net.Partition;
import dev.tether.chaos.net.RelayNetwork;
import dev.tether.chaos.workload.AgentHosts;
import dev.tether.client.TetherClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a schedule's faults at their times and heals each when its hold is over, recording each
 * as a {@link FaultEvent}. The catalogue:
 *
 * <ul>
 *   <li>{@code isolate target=leader|follower|N}: cut one daemon off from all others;
 *   <li>{@code partition side=A,B}: cut those daemons off from the rest;
 *   <li>{@code majorities-ring order=...}, {@code bridge order=...}: Jepsen's partial partitions;
 *   <li>{@code isolate-until-snapshot target=follower}: isolate a follower, write and snapshot on
 *       the majority until the logs it needs are purged; on heal it must install a snapshot;
 *   <li>{@code kill target=leader|N|all}: kill -9, restart on heal;
 *   <li>{@code pause target=leader|N}: SIGSTOP, SIGCONT on heal;
 *   <li>{@code loss target=leader|N percent=P}: drop P% of a daemon's peer traffic;
 *   <li>{@code delay ms jitter}, {@code stall target=leader}, {@code drop side}: relay network
 *       only;
 *   <li>{@code drain node}: drain a node (its sessions move after the drain deadline); on heal it
 *       leaves and its agent joins again;
 *   <li>{@code join node host}: a new node joins beside daemon {@code host}; on heal it leaves;
 *   <li>{@code expire node}: stop a node's agent so that its lease expires; on heal it starts
 *       again.
 * </ul>
 *
 * "leader" is the ring group's leader when the fault starts (from the status poller).
 */
public final class Nemesis implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);

  /** Drain deadline given to drained nodes, ms. */
  static final long DRAIN_DEADLINE_MS = 1_500;

  /** Bytes of the blobs written to push a follower's log past the others' purge point. */
  static final int BURST_BLOB_BYTES = 8 << 10;

  /** Blobs written per snapshot round of {@code isolate-until-snapshot}. */
  static final int BURST_WRITES = 40;

  /** The session the log-filling burst writes to (not a workload key). */
  public static final String BURST_SESSION = "chaos-burst";

  private final Cluster cluster;
  private final StatusPoller poller;
  private final AgentHosts agents;
  private final History history;
  private final String ring;
  private final ExecutorService async = Executors.newCachedThreadPool();
  private final Map<Step, Active> active = new ConcurrentHashMap<>();
  private final List<SnapshotInstall> installs = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger ids =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile Partition partition;

  /**
   * What an {@code isolate-until-snapshot} fault achieved.
   *
   * @param daemon the isolated follower
   * @param purgedPast true when the majority's logs were purged past what it had
   * @param installed true when its log says it installed a snapshot after the heal
   */
  public record SnapshotInstall(String daemon, boolean purgedPast, boolean installed) {}

  private static final class Active {
    final int id;
    final Step step;
    final long startNanos;
    final String detail;
    final List<String> isolated;
    final List<String> stopped;
    final boolean leaderTargeted;
    final Runnable heal;

    Active(
        int id,
        Step step,
        long startNanos,
        String detail,
        List<String> isolated,
        List<String> stopped,
        boolean leaderTargeted,
        Runnable heal) {
      this.id = id;
      this.step = step;
      this.startNanos = startNanos;
      this.detail = detail;
      this.isolated = isolated;
      this.stopped = stopped;
      this.leaderTargeted = leaderTargeted;
      this.heal = heal;
    }
  }

  public Nemesis(
      Cluster cluster, StatusPoller poller, AgentHosts agents, History history, String ring) {
    this.cluster = cluster;
    this.poller = poller;
    this.agents = agents;
    this.history = history;
    this.ring = ring;
    this.partition = Partition.none(cluster.size());
  }

  public List<SnapshotInstall> snapshotInstalls() {
    return List.copyOf(installs);
  }

  /**
   * Runs every step, starting at {@code originNanos} (history time) plus its offset, and returns
   * once the last one is healed.
   */
  public void run(List<Step> steps, long originNanos) throws InterruptedException {
    record Action(long atMs, boolean start, Step step) {}
    List<Action> actions = new ArrayList<>();
    for (Step s : steps) {
      actions.add(new Action(s.atMs(), true, s));
      actions.add(new Action(s.endMs(), false, s));
    }
    actions.sort(Comparator.comparingLong(Action::atMs).thenComparing(a -> a.start() ? 1 : 0));
    // A heal that overruns its plan (a restarted JVM that is slow to answer) shifts every later
    // action, so that the healthy gap after it stays as planned and each fault's recovery can be
    // seen before the next fault begins.
    long shiftNanos = 0;
    for (Action a : actions) {
      long at = originNanos + a.atMs() * 1_000_000L + shiftNanos;
      long wait = at - history.now();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      try {
        if (a.start()) {
          start(a.step());
        } else {
          heal(a.step());
        }
      } catch (RuntimeException e) {
        LOG.warn("nemesis: {} {} failed: {}", a.start() ? "start" : "heal", a.step(), e.toString());
      }
      if (!a.start()) {
        shiftNanos += Math.max(0, history.now() - at);
      }
    }
  }

  private void start(Step s) {
    int leader = poller.leader(ring);
    String leaderNote = leader == 0 ? "no leader known" : "leader d" + leader;
    Active a =
        switch (s.fault()) {
          case "isolate" -> {
            int d = target(s.param("target", "leader"), leader);
            yield cut(s, Partition.sides(cluster.size(), Set.of(d)), leader, leaderNote);
          }
          case "partition" ->
              cut(
                  s,
                  Partition.sides(cluster.size(), ints(s.param("side", ""))),
                  leader,
                  leaderNote);
          case "majorities-ring" ->
              cut(s, Partition.majoritiesRing(order(s.param("order", ""))), leader, leaderNote);
          case "bridge" ->
              cut(s, Partition.bridge(order(s.param("order", ""))), leader, leaderNote);
          case "isolate-until-snapshot" -> isolateUntilSnapshot(s, leader, leaderNote);
          case "kill" -> kill(s, leader, leaderNote);
          case "pause" -> {
            int d = target(s.param("target", "leader"), leader);
            cluster.daemon(d).pause();
            yield active(
                s,
                "paused d" + d + " (" + leaderNote + ")",
                List.of(),
                List.of("d" + d),
                d == leader,
                () -> cluster.daemon(d).resume());
          }
          case "loss" -> {
            int d = target(s.param("target", "leader"), leader);
            int pct = Integer.parseInt(s.param("percent", "30"));
            cluster.network().loss(d, pct);
            yield active(
                s,
                pct + "% loss on d" + d + " (" + leaderNote + ")",
                List.of(),
                List.of(),
                false,
                () -> cluster.network().loss(d, 0));
          }
          case "delay" -> {
            long ms = Long.parseLong(s.param("ms", "60"));
            long jitter = Long.parseLong(s.param("jitter", "60"));
            cluster.network().delay(ms, jitter);
            yield active(
                s,
                "every link delayed " + ms + "+" + jitter + " ms",
                List.of(),
                List.of(),
                false,
                () -> cluster.network().heal());
          }
          case "stall" -> {
            int d = target(s.param("target", "leader"), leader);
            for (int o = 1; o <= cluster.size(); o++) {
              if (o != d) {
                cluster.network().stall(d, o);
              }
            }
            yield active(
                s,
                "every link from d" + d + " stalled (" + leaderNote + ")",
                List.of(),
                List.of(),
                d == leader,
                () -> cluster.network().heal());
          }
          case "drop" -> {
            Partition p = Partition.sides(cluster.size(), ints(s.param("side", "")));
            ((RelayNetwork) cluster.network()).drop(p);
            partition = p;
            yield active(
                s,
                "reset across " + p.describe(),
                ids(p.minority()),
                List.of(),
                p.minority().contains(leader),
                () -> {
                  cluster.network().heal();
                  partition = Partition.none(cluster.size());
                });
          }
          case "drain" -> membership(s, "drain " + s.param("node", ""));
          case "join" -> membership(s, "join " + s.param("node", ""));
          case "expire" -> membership(s, "expire " + s.param("node", ""));
          default -> throw new IllegalArgumentException("unknown fault " + s.fault());
        };
    active.put(s, a);
    LOG.info("fault {} started: {}", s.fault(), a.detail);
  }

  private void heal(Step s) {
    Active a = active.remove(s);
    if (a == null) {
      return;
    }
    // The window ends before the heal begins, for the same reason; a kill's heal restarts the
    // daemons and waits until they answer, and the kill is in force until then.
    long end = history.now();
    try {
      a.heal.run();
    } finally {
      if (s.fault().equals("kill")) {
        end = history.now();
      }
      record(a, end);
      LOG.info("fault {} healed", s.fault());
    }
  }

  private void record(Active a, long end) {
    history.add(
        new FaultEvent(
            a.id,
            a.step.fault(),
            a.detail,
            a.startNanos,
            end,
            a.isolated,
            a.stopped,
            a.leaderTargeted));
  }

  /** A fault in force from now: its window starts once it applies, never before. */
  private Active active(
      Step s,
      String detail,
      List<String> isolated,
      List<String> stopped,
      boolean leaderTargeted,
      Runnable heal) {
    return new Active(
        ids.incrementAndGet(), s, history.now(), detail, isolated, stopped, leaderTargeted, heal);
  }

  private Active cut(Step s, Partition p, int leader, String leaderNote) {
    cluster.network().partition(p);
    partition = p;
    return active(
        s,
        p.describe() + " (" + leaderNote + ")",
        ids(p.minority()),
        List.of(),
        leader != 0 && p.minority().contains(leader),
        this::healPartition);
  }

  private void healPartition() {
    cluster.network().partition(Partition.none(cluster.size()));
    partition = Partition.none(cluster.size());
  }

  private Active kill(Step s, int leader, String leaderNote) {
    String t = s.param("target", "leader");
    List<Integer> targets = new ArrayList<>();
    if (t.equals("all")) {
      for (int i = 1; i <= cluster.size(); i++) {
        targets.add(i);
      }
    } else {
      targets.add(target(t, leader));
    }
    for (int d : targets) {
      cluster.daemon(d).kill9();
    }
    return active(
        s,
        "killed " + ids(targets) + " (" + leaderNote + ")",
        List.of(),
        ids(targets),
        targets.contains(leader),
        () -> {
          for (int d : targets) {
            try {
              cluster.start(d);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
          for (int d : targets) {
            try {
              if (!cluster.awaitAnswering(d)) {
                LOG.warn(
                    "nemesis: d{} did not answer within {} of its restart", d, Cluster.RESTART_MAX);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        });
  }

  private Active isolateUntilSnapshot(Step s, int leader, String leaderNote) {
    int d = target("follower", leader);
    Partition p = Partition.sides(cluster.size(), Set.of(d));
    Active a = cut(s, p, leader, leaderNote);
    long before = appliedOf(d);
    int installsBefore = countInLog(d, "reinitialized from installed snapshot");
    boolean[] purged = new boolean[1];
    async.execute(() -> purged[0] = fillAndSnapshot(d, before, s.holdMs()));
    return new Active(
        a.id,
        s,
        a.startNanos,
        "isolated follower d" + d + " until purged (" + leaderNote + ")",
        a.isolated,
        a.stopped,
        a.leaderTargeted,
        () -> {
          healPartition();
          async.execute(() -> awaitInstall(d, installsBefore, purged[0]));
        });
  }

  /**
   * Writes blobs and snapshots the majority until its snapshot index is well past what the isolated
   * follower has (its log must then be purged of the entries the follower needs).
   */
  private boolean fillAndSnapshot(int isolated, long followerApplied, long holdMs) {
    long deadline = System.nanoTime() + (holdMs - 1_000) * 1_000_000L;
    long snapshotIndex = 0;
    long version = -1;
    long token = 0;
    int round = 0;
    while (System.nanoTime() < deadline && round < 4) {
      int d = adminDaemon(Set.of(isolated));
      if (d == 0) {
        sleep(200);
        continue;
      }
      TetherClient c = cluster.admin(d);
      try {
        if (version < 0) {
          var open = c.openSession(ring, BURST_SESSION);
          token = open.getSession().getFencingToken();
          version = open.getSession().getStateVersion();
        }
        byte[] blob = new byte[BURST_BLOB_BYTES];
        Arrays.fill(blob, (byte) ('a' + round));
        for (int i = 0; i < BURST_WRITES && System.nanoTime() < deadline; i++) {
          version = c.putState(ring, BURST_SESSION, token, version, blob);
        }
        for (int m = 1; m <= cluster.size(); m++) {
          if (m != isolated && cluster.daemon(m).alive()) {
            try {
              snapshotIndex = Math.max(snapshotIndex, cluster.admin(m).snapshot(ring));
            } catch (RuntimeException e) {
              LOG.debug("snapshot on d{} failed: {}", m, e.toString());
            }
          }
        }
        round++;
      } catch (RuntimeException e) {
        LOG.debug("log-filling burst: {}", e.toString());
        version = -1;
        sleep(200);
      }
    }
    boolean past = snapshotIndex > followerApplied + 2 * BURST_WRITES;
    LOG.info(
        "isolate-until-snapshot: follower d{} at {}, majority snapshot at {}",
        isolated,
        followerApplied,
        snapshotIndex);
    return past;
  }

  private void awaitInstall(int d, int installsBefore, boolean purged) {
    long deadline = System.nanoTime() + 15_000_000_000L;
    boolean installed = false;
    while (System.nanoTime() < deadline && !installed) {
      installed = countInLog(d, "reinitialized from installed snapshot") > installsBefore;
      sleep(250);
    }
    installs.add(new SnapshotInstall("d" + d, purged, installed));
    LOG.info("isolate-until-snapshot: d{} installed a snapshot: {}", d, installed);
  }

  private long appliedOf(int d) {
    return poller.latest(d, ring).map(x -> x.appliedIndex()).orElse(0L);
  }

  private int countInLog(int d, String text) {
    try {
      return (int)
          Files.readAllLines(cluster.logOf(d), StandardCharsets.UTF_8).stream()
              .filter(l -> l.contains(text))
              .count();
    } catch (IOException e) {
      return 0;
    }
  }

  private Active membership(Step s, String detail) {
    String node = s.param("node", "");
    Runnable heal =
        switch (s.fault()) {
          case "drain" -> {
            admin(c -> c.drain(ring, node, Duration.ofMillis(DRAIN_DEADLINE_MS)));
            yield () -> {
              admin(c -> c.leave(ring, node));
              int home = agents.home(node);
              agents.stop(node);
              agents.start(node, home);
            };
          }
          case "join" -> {
            agents.start(node, Integer.parseInt(s.param("host", "1")));
            yield () -> {
              agents.stop(node);
              admin(c -> c.leave(ring, node));
            };
          }
          case "expire" -> {
            int home = agents.home(node);
            agents.stop(node);
            yield () -> agents.start(node, home);
          }
          default -> throw new IllegalArgumentException(s.fault());
        };
    return active(s, detail, List.of(), List.of(), false, heal);
  }

  /** Runs an admin call on a daemon that can reach a majority, trying others on failure. */
  private void admin(Function<TetherClient, ?> call) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 6; attempt++) {
      int d = adminDaemon(Set.of());
      if (d != 0) {
        try {
          var unused = call.apply(cluster.admin(d));
          return;
        } catch (RuntimeException e) {
          last = e;
        }
      }
      sleep(300);
    }
    LOG.warn("nemesis admin call failed: {}", String.valueOf(last));
  }

  /** A running daemon on the majority side (the leader when possible), or 0. */
  private int adminDaemon(Set<Integer> avoid) {
    int leader = poller.leader(ring);
    List<Integer> minority = partition.minority();
    if (leader != 0 && !minority.contains(leader) && !avoid.contains(leader)) {
      return leader;
    }
    for (int d = 1; d <= cluster.size(); d++) {
      if (!avoid.contains(d)
          && !minority.contains(d)
          && cluster.daemon(d).alive()
          && !cluster.daemon(d).paused()) {
        return d;
      }
    }
    return 0;
  }

  private int target(String t, int leader) {
    return switch (t) {
      case "leader" -> leader != 0 ? leader : 1;
      case "follower" -> {
        for (int d = 1; d <= cluster.size(); d++) {
          if (d != leader && cluster.daemon(d).alive()) {
            yield d;
          }
        }
        yield 1;
      }
      default -> Integer.parseInt(t);
    };
  }

  /** Heals everything still in force, resumes and restarts every daemon. */
  public void healAll() {
    for (Step s : new ArrayList<>(active.keySet())) {
      heal(s);
    }
    cluster.network().heal();
    partition = Partition.none(cluster.size());
    for (int d = 1; d <= cluster.size(); d++) {
      cluster.daemon(d).resume();
      if (!cluster.daemon(d).alive()) {
        try {
          cluster.start(d);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private static Set<Integer> ints(String csv) {
    Set<Integer> out = new HashSet<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(Integer.parseInt(s.trim()));
      }
    }
    return out;
  }

  private static List<Integer> order(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
  }

  private static List<String> ids(java.util.Collection<Integer> ds) {
    return ds.stream().sorted().map(d -> "d" + d).toList();
  }

  private static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    async.shutdownNow();
  }
}
