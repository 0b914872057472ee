package dev.tether.chaos.run;

import dev.tether.api.v1.GroupStatus;
import dev.tether.api.v1.ListNodesResponse;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NodeState;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OpenResponse;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.StatusResponse;
import dev.tether.chaos.check.RunFacts;
import dev.tether.chaos.check.SessionModel;
import dev.tether.chaos.cluster.Cluster;
import dev.tether.chaos.cluster.ClusterSpec;
import dev.tether.chaos.cluster.StatusPoller;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.HistoryIO;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.nemesis.Nemesis;
import dev.tether.chaos.nemesis.Schedule;
import dev.tether.chaos.net.NetnsNetwork;
import dev.tether.chaos.net.Network;
import dev.tether.chaos.net.RelayNetwork;
import dev.tether.chaos.workload.AgentHosts;
import dev.tether.chaos.workload.Workload;
import dev.tether.chaos.workload.WorkloadSpec;
import dev.tether.client.AlreadyExistsException;
import dev.tether.client.ReadConsistency;
import dev.tether.client.TetherClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chaos run, inside the network the outer harness prepared: start the daemons, the ring, the
 * node agents and the workload; apply the schedule's faults; heal; measure convergence; restart
 * every daemon (kill -9); read every session back; then hand the history to the checkers.
 */
public final class Run {
  private static final Logger LOG = LoggerFactory.getLogger(Run.class);

  /** The ring every run uses. */
  public static final String RING = "chaos";

  /** Lease TTL of the ring's nodes: short, so leases expire while a partition is in force. */
  public static final long LEASE_TTL_MS = 2_000;

  /** How long the cluster may take to start, or to come back after the final restart. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  /** How long replicas may take to converge after the final heal before it counts as never. */
  static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(15);

  /** How long each final read may be retried. */
  static final Duration FINAL_READ_TIMEOUT = Duration.ofSeconds(20);

  /** How long a final read answered NOT_FOUND is retried before it counts as an answer. */
  static final Duration FINAL_NOT_FOUND = Duration.ofSeconds(5);

  private final RunConfig config;
  private final Path dir;
  private final History history = new History();
  private final WorkloadSpec workloadSpec = WorkloadSpec.DEFAULT;
  private final Map<String, SessionModel.State> keys = new LinkedHashMap<>();
  private RunFacts.Convergence convergence;
  private List<Nemesis.SnapshotInstall> installs = List.of();
  private final List<String> notes = new ArrayList<>();

  public Run(RunConfig config, Path dir) {
    this.config = config;
    this.dir = dir;
  }

  /** What the run produced for the checkers and the report. */
  public record Result(
      RunFacts facts, List<Nemesis.SnapshotInstall> installs, List<String> notes) {}

  public Result execute() throws IOException, InterruptedException {
    Schedule schedule = config.schedule();
    int n = schedule.daemons();
    Network network =
        config.network().equals("netns")
            ? NetnsNetwork.create(n)
            : RelayNetwork.create(n, config.relayOctet(), schedule.seed(), dir.resolve("net"));
    ClusterSpec spec = ClusterSpec.defaults(n, config.plantedBugs());
    try (network;
        Cluster cluster = new Cluster(network, spec, dir);
        StatusPoller poller = new StatusPoller(cluster, history, RING);
        AgentHosts agents = new AgentHosts(network, RING, dir.resolve("logs"), history);
        Workload workload =
            new Workload(workloadSpec, network, RING, history, schedule.workloadSeed());
        Nemesis nemesis = new Nemesis(cluster, poller, agents, history, RING)) {
      long t = System.nanoTime();
      cluster.startAll();
      await(
          "the region group to elect a leader on every daemon", () -> groupLed(cluster, "region"));
      LOG.info("{} daemons up ({} network) in {} ms", n, network.mode(), msSince(t));
      createRing(cluster);
      await("the ring group to elect a leader on every daemon", () -> groupLed(cluster, RING));
      LOG.info("ring {} led on every daemon after {} ms", RING, msSince(t));
      poller.start();
      agents.startAll();
      for (int i = 1; i <= n; i++) {
        agents.start("n" + i, i);
      }
      await("every node to be ACTIVE", () -> nodesActive(cluster, n));
      openKeys(cluster, n);
      LOG.info("nodes active and sessions open after {} ms", msSince(t));
      LOG.info("workload starts: {} faults planned", schedule.steps().size());

      long origin = history.now();
      history.mark(History.MARK_WORKLOAD_START, origin);
      workload.start();
      long faultsFrom = origin + schedule.warmupMs() * 1_000_000L;
      nemesis.run(schedule.steps(), origin);
      long faultsEnd = faultsFrom + schedule.durationMs() * 1_000_000L;
      sleepUntil(faultsEnd);

      nemesis.healAll();
      long heal = history.now();
      history.mark(History.MARK_FINAL_HEAL, heal);
      long caughtUp = awaitCatchUp(cluster, heal);
      sleepUntil(heal + schedule.quiesceMs() * 1_000_000L);
      workload.stop();
      history.mark(History.MARK_WORKLOAD_STOP, history.now());
      Map<String, Map<String, String>> detail = new LinkedHashMap<>();
      long digests = awaitDigests(cluster, detail);
      LOG.info(
          "after the final heal: caught up {} ms, equal digests {} ms",
          caughtUp < 0 ? -1 : (caughtUp - heal) / 1_000_000,
          digests < 0 ? -1 : (digests - heal) / 1_000_000);
      convergence = new RunFacts.Convergence(heal, caughtUp, digests >= 0, digests, detail);
      installs = nemesis.snapshotInstalls();

      t = System.nanoTime();
      finalRestart(cluster);
      history.mark(History.MARK_FINAL_RESTART, history.now());
      LOG.info("every daemon killed and serving again after {} ms", msSince(t));
      history.mark(History.MARK_FINAL_READS, history.now());
      finalReads(workload, n);
      LOG.info("final reads done");
    } finally {
      HistoryIO.write(history, dir.resolve("history.jsonl"));
    }
    List<String> daemons = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      daemons.add("d" + i);
    }
    RunFacts facts =
        new RunFacts(
            history,
            daemons,
            keys,
            workloadSpec.deadline().toMillis(),
            convergence,
            RunFacts.Limits.DEFAULT);
    return new Result(facts, installs, notes);
  }

  private void createRing(Cluster cluster) throws InterruptedException {
    Policy policy =
        Policy.newBuilder()
            .setLeaseTtlMs(LEASE_TTL_MS)
            .setSessionIdleTtlMs(0)
            .setWarmupMs(0)
            .setRehomePerSecond(1_000)
            .build();
    await(
        "the ring to be created",
        () -> {
          for (int i = 1; i <= cluster.size(); i++) {
            try {
              cluster.admin(i).createRing(RING, policy);
              return true;
            } catch (AlreadyExistsException e) {
              return true;
            } catch (RuntimeException e) {
              LOG.debug("create ring via d{}: {}", i, e.toString());
            }
          }
          return false;
        });
  }

  private static boolean groupLed(Cluster cluster, String group) {
    for (int i = 1; i <= cluster.size(); i++) {
      Optional<StatusResponse> s = cluster.status(i, false, Duration.ofMillis(800));
      if (s.isEmpty()
          || s.get().getGroupsList().stream()
              .noneMatch(g -> g.getName().equals(group) && !g.getLeader().isEmpty())) {
        return false;
      }
    }
    return true;
  }

  private static boolean nodesActive(Cluster cluster, int n) {
    try {
      ListNodesResponse r = cluster.admin(1).listNodes(RING, ReadConsistency.LINEARIZABLE);
      int active = 0;
      for (Node node : r.getNodesList()) {
        if (node.getState() == NodeState.NODE_STATE_ACTIVE) {
          active++;
        }
      }
      return active >= n;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Opens the workload sessions, spread over the nodes, and records where each starts. */
  private void openKeys(Cluster cluster, int n) throws InterruptedException {
    for (int k = 0; k < workloadSpec.keys(); k++) {
      String key = WorkloadSpec.key(k);
      String hint = "n" + (k % n + 1);
      OpenResponse[] opened = new OpenResponse[1];
      await(
          "session " + key + " to open",
          () -> {
            try {
              opened[0] =
                  cluster
                      .admin(1)
                      .openSession(
                          OpenRequest.newBuilder()
                              .setRing(RING)
                              .setSessionId(key)
                              .setHintNode(hint)
                              .build());
              return true;
            } catch (RuntimeException e) {
              return false;
            }
          });
      var s = opened[0].getSession();
      keys.put(
          key,
          new SessionModel.State(
              s.getFencingToken(), s.getOwner().getId(), s.getStateVersion(), ""));
    }
  }

  /**
   * Waits until every daemon has applied, in every group, the highest commit index any daemon
   * reported at the heal; returns when (history time), or -1.
   */
  private long awaitCatchUp(Cluster cluster, long heal) throws InterruptedException {
    Map<String, Long> target = new HashMap<>();
    long deadline = System.nanoTime() + CONVERGENCE_TIMEOUT.toNanos();
    while (target.isEmpty() && System.nanoTime() < deadline) {
      for (int i = 1; i <= cluster.size(); i++) {
        cluster
            .status(i, false, Duration.ofMillis(500))
            .ifPresent(
                s -> {
                  for (GroupStatus g : s.getGroupsList()) {
                    target.merge(g.getName(), g.getCommitIndex(), Math::max);
                  }
                });
      }
    }
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int i = 1; i <= cluster.size() && all; i++) {
        Optional<StatusResponse> s = cluster.status(i, false, Duration.ofMillis(500));
        if (s.isEmpty()) {
          all = false;
          break;
        }
        for (Map.Entry<String, Long> t : target.entrySet()) {
          long applied =
              s.get().getGroupsList().stream()
                  .filter(g -> g.getName().equals(t.getKey()))
                  .mapToLong(GroupStatus::getAppliedIndex)
                  .findFirst()
                  .orElse(-1);
          if (applied < t.getValue()) {
            all = false;
          }
        }
      }
      if (all) {
        return history.now();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return -1;
  }

  /**
   * With the workload stopped, waits until every group shows one applied index and one digest on
   * every daemon; returns when (history time), or -1. {@code detail} gets the last poll.
   */
  /**
   * Waits until the replicas are shown to agree: no two daemons ever report different digests at
   * the same applied index of a group, and in one poll every daemon has applied at least the
   * highest index any daemon reported in the poll before. Node agents keep renewing leases after
   * the workload stops, and each renewal commits a probe entry, so a group may never stand still
   * long enough for one poll of every daemon to see the same index everywhere. Returns when that
   * held (or -1), with {@code detail} the last poll; a digest mismatch at equal indices is recorded
   * in {@code detail} under "mismatch" and fails at once.
   */
  private long awaitDigests(Cluster cluster, Map<String, Map<String, String>> detail)
      throws InterruptedException {
    long deadline = System.nanoTime() + CONVERGENCE_TIMEOUT.toNanos();
    Map<String, Map<Long, String>> seen = new HashMap<>(); // group -> index -> digest
    Map<String, Long> previousMax = new HashMap<>();
    while (System.nanoTime() < deadline) {
      detail.clear();
      boolean answered = true;
      Map<String, Long> min = new HashMap<>();
      Map<String, Long> max = new HashMap<>();
      for (int i = 1; i <= cluster.size(); i++) {
        Optional<StatusResponse> s = cluster.status(i, true, Duration.ofSeconds(2));
        if (s.isEmpty()) {
          answered = false;
          continue;
        }
        for (GroupStatus g : s.get().getGroupsList()) {
          String digest = Long.toHexString(g.getDigest());
          detail
              .computeIfAbsent(g.getName(), k -> new LinkedHashMap<>())
              .put("d" + i, g.getAppliedIndex() + "/" + digest);
          String before =
              seen.computeIfAbsent(g.getName(), k -> new HashMap<>())
                  .putIfAbsent(g.getAppliedIndex(), digest);
          if (before != null && !before.equals(digest)) {
            detail
                .computeIfAbsent("mismatch", k -> new LinkedHashMap<>())
                .put(g.getName() + "@" + g.getAppliedIndex(), before + " vs d" + i + " " + digest);
            return -1;
          }
          min.merge(g.getName(), g.getAppliedIndex(), Math::min);
          max.merge(g.getName(), g.getAppliedIndex(), Math::max);
        }
      }
      boolean caughtUp =
          answered
              && !previousMax.isEmpty()
              && detail.values().stream().allMatch(m -> m.size() == cluster.size())
              && previousMax.entrySet().stream()
                  .allMatch(e -> min.getOrDefault(e.getKey(), -1L) >= e.getValue());
      if (caughtUp) {
        return history.now();
      }
      if (answered) {
        previousMax = max;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return -1;
  }

  /** kill -9 every daemon, start them again, and wait until they serve. */
  private void finalRestart(Cluster cluster) throws IOException, InterruptedException {
    for (int i = 1; i <= cluster.size(); i++) {
      cluster.daemon(i).kill9();
    }
    cluster.startAll();
    try {
      await("every daemon to serve after the final restart", () -> groupLed(cluster, RING));
    } catch (IllegalStateException e) {
      notes.add("the cluster did not serve again after the final restart: " + e.getMessage());
    }
  }

  /**
   * Reads every workload session from every daemon (LINEARIZABLE, retried until it answers), and
   * looks up every session an acknowledged open created.
   */
  private void finalReads(Workload workload, int n) throws InterruptedException {
    for (String key : keys.keySet()) {
      for (int i = 1; i <= n; i++) {
        int process = workload.newProcess();
        long deadline = System.nanoTime() + FINAL_READ_TIMEOUT.toNanos();
        long notFoundSince = -1;
        while (System.nanoTime() < deadline) {
          Op op = workload.calls().get(workload.client(i), process, "d" + i, key, false);
          if (op.outcome() == dev.tether.chaos.history.Outcome.OK) {
            break;
          }
          // A serving region that keeps saying NOT_FOUND has lost the session: enough asking.
          if (!op.error().startsWith("NOT_FOUND")) {
            notFoundSince = -1;
          } else if (notFoundSince < 0) {
            notFoundSince = System.nanoTime();
          } else if (System.nanoTime() - notFoundSince > FINAL_NOT_FOUND.toNanos()) {
            break;
          }
          TimeUnit.MILLISECONDS.sleep(200);
        }
      }
    }
    List<String> opened = new ArrayList<>();
    for (Op op : history.ops()) {
      if (op.kind() == OpKind.OPEN_NEW && op.outcome() == dev.tether.chaos.history.Outcome.OK) {
        opened.add(op.key());
      }
    }
    TetherClient c = workload.client(1);
    int process = workload.newProcess();
    for (int from = 0; from < opened.size(); from += 1_000) {
      List<String> chunk = opened.subList(from, Math.min(opened.size(), from + 1_000));
      long deadline = System.nanoTime() + FINAL_READ_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        List<Op> ops = workload.calls().batchLookup(c, process, "d1", chunk);
        if (ops.isEmpty() || ops.get(0).outcome() == dev.tether.chaos.history.Outcome.OK) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }

  private static long msSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - history.now();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("timed out after " + READY_TIMEOUT + " waiting for " + what);
  }

  public History history() {
    return history;
  }
}
