package dev.tether.chaos.cluster;

import dev.tether.api.v1.GroupStatus;
import dev.tether.api.v1.ListNodesResponse;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.StatusResponse;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.NodeSample;
import dev.tether.chaos.history.StatusSample;
import dev.tether.client.ReadConsistency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Polls every daemon's Status every {@link #PERIOD_MS} (one thread per daemon, so a paused daemon
 * delays no other) and its node list every {@link #NODES_EVERY} polls, into the history: the
 * leader/term lane, the one-leader-per-term check and the node state changes come from here. Also
 * answers "who leads group G now" for the nemesis.
 */
public final class StatusPoller implements AutoCloseable {
  static final long PERIOD_MS = 100;
  static final int NODES_EVERY = 3;
  static final Duration POLL_DEADLINE = Duration.ofMillis(400);

  private final Cluster cluster;
  private final History history;
  private final String ring;
  private final Map<String, StatusSample> latest = new ConcurrentHashMap<>();
  private final Map<String, String> nodeStates = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public StatusPoller(Cluster cluster, History history, String ring) {
    this.cluster = cluster;
    this.history = history;
    this.ring = ring;
  }

  public void start() {
    running = true;
    for (int i = 1; i <= cluster.size(); i++) {
      int d = i;
      Thread t = new Thread(() -> loop(d), "status-d" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void loop(int d) {
    long tick = 0;
    while (running) {
      long started = System.nanoTime();
      poll(d);
      if (tick++ % NODES_EVERY == 0) {
        pollNodes(d);
      }
      long left = PERIOD_MS - (System.nanoTime() - started) / 1_000_000;
      if (left > 0) {
        try {
          TimeUnit.MILLISECONDS.sleep(left);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void poll(int d) {
    Optional<StatusResponse> s = cluster.status(d, false, POLL_DEADLINE);
    if (s.isEmpty()) {
      return;
    }
    long now = history.now();
    for (GroupStatus g : s.get().getGroupsList()) {
      StatusSample sample =
          new StatusSample(
              now,
              "d" + d,
              g.getName(),
              g.getRole(),
              g.getTerm(),
              g.getLeader(),
              g.getCommitIndex(),
              g.getAppliedIndex());
      history.add(sample);
      latest.put("d" + d + "/" + g.getName(), sample);
    }
  }

  private void pollNodes(int d) {
    if (!cluster.daemon(d).alive() || cluster.daemon(d).paused()) {
      return;
    }
    ListNodesResponse r;
    try {
      r = cluster.admin(d).listNodes(ring, ReadConsistency.STALE);
    } catch (RuntimeException e) {
      return;
    }
    long now = history.now();
    for (Node n : r.getNodesList()) {
      String key = d + "/" + n.getId();
      String value = n.getState().name() + "@" + n.getStateChangedMs();
      if (!value.equals(nodeStates.put(key, value))) {
        history.add(
            new NodeSample(
                now,
                "d" + d,
                n.getId(),
                n.getState().name().replace("NODE_STATE_", ""),
                history.fromWallMillis(n.getStateChangedMs())));
      }
    }
  }

  /**
   * The daemon (1-based) that leads {@code group} now: the LEADER with the highest term among fresh
   * samples of running daemons; 0 when none.
   */
  public int leader(String group) {
    long now = history.now();
    StatusSample best = null;
    for (StatusSample s : latest.values()) {
      int d = Cluster.index(s.daemon());
      boolean fresh = now - s.nanos() < 1_000_000_000L;
      if (s.group().equals(group)
          && s.leads()
          && fresh
          && cluster.daemon(d).alive()
          && !cluster.daemon(d).paused()
          && (best == null || s.term() > best.term())) {
        best = s;
      }
    }
    return best == null ? 0 : Cluster.index(best.daemon());
  }

  /** The latest sample of a daemon's group, if any. */
  public Optional<StatusSample> latest(int daemon, String group) {
    return Optional.ofNullable(latest.get("d" + daemon + "/" + group));
  }

  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
