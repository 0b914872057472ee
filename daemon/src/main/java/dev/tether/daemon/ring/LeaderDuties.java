package dev.tether.daemon.ring;

import dev.tether.proto.internal.AdvanceWarmup;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.ExpireNode;
import dev.tether.proto.internal.ExpireSessions;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.NodeState;
import dev.tether.proto.internal.Rehome;
import dev.tether.proto.internal.ResultBatch;
import dev.tether.proto.internal.RingMeta;
import dev.tether.proto.internal.RingPolicy;
import dev.tether.proto.internal.SetPolicy;
import dev.tether.ring.WarmUp;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.ratis.LeaderClock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work only a ring group's leader does, each by committing a command and each stopped the
 * moment leadership is lost: node lease expiry, warm-up steps, drain-deadline handoff and paced
 * rehoming, idle-session expiry, and keeping the ring's policy equal to the catalog's.
 *
 * <p>Leases live in the leader's memory only. When this daemon becomes leader of a term, every
 * lease gets a full TTL; renewals count only while it leads. Lease expiry and leader duties carry
 * the issuing term, which the state machine checks, so a deposed leader cannot act.
 */
public final class LeaderDuties {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

  /** Longest a renewal waits for the proof that this daemon still leads, ms. */
  static final long RENEWAL_CONFIRM_MS_MAX = 1_000;

  /** The result of a lease renewal. */
  public record Renewal(boolean renewed, long ttlMs, String reason) {}

  private final String ring;
  private final GroupHandle group;
  private final Supplier<RingPolicy> catalogPolicy;
  private final LeaderClock clock;
  private final Ticker ticker;
  private final int rehomeBatch;
  private final int expiryScan;
  private final boolean ignoreLeadership;
  private final DutyListener listener;
  private final Map<String, Long> leaseDeadlines = new ConcurrentHashMap<>();

  /**
   * Nodes whose lease this leader has declared expired in its term: their ExpireNode is on its way
   * to the log. No renewal is accepted for them any more, even before the DOWN commits: a renewal
   * confirmed in between would let the node serve on while the expiry, already decided, commits and
   * its sessions move away. Guarded, with {@link #leaseDeadlines} updates, by {@link #leaseLock}.
   */
  private final Set<String> expiring = ConcurrentHashMap.newKeySet();

  private final Object leaseLock = new Object();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private volatile long leaderTerm = -1;
  private long lastTickNanos;
  private final Map<String, Double> paceBudget = new ConcurrentHashMap<>();
  private String expiryCursor = "";

  /** Told about duty outcomes, for metrics. */
  public interface DutyListener {
    DutyListener NONE = new DutyListener() {};

    default void leaseExpired(String ring, String node) {}

    default void becameLeader(String ring, long term) {}
  }

  public LeaderDuties(
      String ring,
      GroupHandle group,
      Supplier<RingPolicy> catalogPolicy,
      LeaderClock clock,
      Ticker ticker,
      int rehomeBatch,
      int expiryScan,
      boolean ignoreLeadership,
      DutyListener listener) {
    this.ring = ring;
    this.group = group;
    this.catalogPolicy = catalogPolicy;
    this.clock = clock;
    this.ticker = ticker;
    this.rehomeBatch = rehomeBatch;
    this.expiryScan = expiryScan;
    this.ignoreLeadership = ignoreLeadership;
    this.listener = listener;
  }

  /** Renews a node's lease if this daemon leads the ring group. */
  public Renewal renew(String nodeId) {
    if (!group.isLeader() && !ignoreLeadership) {
      return new Renewal(false, 0, "not the leader of ring " + ring);
    }
    RingMeta meta = meta();
    if (meta == null) {
      return new Renewal(false, 0, "ring " + ring + " is not initialised");
    }
    NodeRecord node = node(nodeId);
    if (node == null) {
      return new Renewal(
          false, meta.getPolicy().getLeaseTtlMs(), "node " + nodeId + " is not in ring " + ring);
    }
    if (!holdsLease(node.getState())) {
      return new Renewal(
          false, meta.getPolicy().getLeaseTtlMs(), "node " + nodeId + " is " + node.getState());
    }
    long ttl = meta.getPolicy().getLeaseTtlMs();
    synchronized (leaseLock) {
      if (expiring.contains(nodeId)) {
        return new Renewal(
            false,
            ttl,
            "the lease of node "
                + nodeId
                + " expired; it is being marked DOWN and must join again");
      }
      leaseDeadlines.put(nodeId, ticker.nanos() + ttl * 1_000_000L);
    }
    // Renewed only if this daemon still led after recording it: a deposed leader that does not know
    // it yet would otherwise confirm a renewal that the new leader never counts, and the node would
    // serve past the TTL the new leader started at its election (chaos finding 3, second case).
    try {
      group.confirmLeadership().get(RENEWAL_CONFIRM_MS_MAX, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Renewal(false, ttl, "interrupted while confirming the leadership of ring " + ring);
    } catch (ExecutionException | TimeoutException e) {
      return new Renewal(
          false,
          ttl,
          "the leadership of ring " + ring + " could not be confirmed: " + e.getMessage());
    }
    return new Renewal(true, ttl, "");
  }

  /** One round of duties; called by the daemon's duty thread. */
  public void tick() {
    long now = ticker.nanos();
    long elapsedNanos = lastTickNanos == 0 ? 0 : now - lastTickNanos;
    lastTickNanos = now;
    boolean leader = group.isLeader();
    long term = group.term();
    if (!leader && !ignoreLeadership) {
      if (leaderTerm != -1) {
        LOG.info("ring {}: lost leadership of term {}; leader duties stop", ring, leaderTerm);
      }
      leaderTerm = -1;
      synchronized (leaseLock) {
        leaseDeadlines.clear();
        expiring.clear();
      }
      paceBudget.clear();
      return;
    }
    RingMeta meta = meta();
    if (meta == null) {
      initFromCatalog(leader);
      return;
    }
    if (leader && leaderTerm != term) {
      // A new leader gives every lease a full TTL: it cannot know when others renewed.
      leaderTerm = term;
      long ttlNanos = meta.getPolicy().getLeaseTtlMs() * 1_000_000L;
      synchronized (leaseLock) {
        leaseDeadlines.clear();
        expiring.clear();
        for (NodeRecord n : nodes()) {
          if (holdsLease(n.getState())) {
            leaseDeadlines.put(n.getId(), now + ttlNanos);
          }
        }
      }
      LOG.info("ring {}: leading term {}; {} leases restarted", ring, term, leaseDeadlines.size());
      listener.becameLeader(ring, term);
    }
    long issuerTerm = ignoreLeadership ? term : leaderTerm;
    reconcilePolicy(meta);
    long wallNow = Math.max(clock.nowMs(), meta.getLastTimeMs());
    for (NodeRecord n : nodes()) {
      expireLease(n, now, issuerTerm);
      advanceWarmup(n, wallNow);
      rehome(n, wallNow, issuerTerm, elapsedNanos, meta.getPolicy());
    }
    expireIdleSessions(wallNow, issuerTerm);
  }

  private void expireLease(NodeRecord n, long now, long term) {
    String id = n.getId();
    if (!holdsLease(n.getState())) {
      synchronized (leaseLock) {
        leaseDeadlines.remove(id);
        expiring.remove(id);
      }
      return;
    }
    synchronized (leaseLock) {
      Long deadline = leaseDeadlines.get(id);
      if (deadline == null) {
        // A node that joined during this term: its lease starts now.
        leaseDeadlines.put(id, now + meta().getPolicy().getLeaseTtlMs() * 1_000_000L);
        return;
      }
      // The clock read under the lock: a renewal that got in since the tick began counts.
      if (ticker.nanos() - deadline < 0) {
        return;
      }
      // Decided: from here on no renewal is accepted until the node is DOWN (or rejoins).
      expiring.add(id);
    }
    submit(
        "expire:" + id,
        List.of(
            Command.newBuilder()
                .setExpireNode(
                    ExpireNode.newBuilder()
                        .setNodeId(id)
                        .setIssuerTerm(term)
                        // Bound to this incarnation: an expiry still in flight when the node went
                        // DOWN and joined again must not end its new lease (chaos finding 11).
                        .setStateIndex(n.getStateIndex()))
                .build()),
        results -> {
          synchronized (leaseLock) {
            leaseDeadlines.remove(id);
            expiring.remove(id);
          }
          listener.leaseExpired(ring, id);
        },
        // Refused (the node already left its leasing state, or the term moved on): nothing was
        // expired. A failure without an answer keeps the node expiring: the entry may still
        // commit, and the next tick submits it again.
        () -> expiring.remove(id));
  }

  private void advanceWarmup(NodeRecord n, long wallNow) {
    if (n.getState() != NodeState.NODE_STATE_JOINING) {
      return;
    }
    int steps = meta().getPolicy().getWarmupSteps();
    long elapsed = wallNow - n.getJoinedAtMs();
    long due = WarmUp.effectiveWeightMilli(n.getWeight(), elapsed, n.getWarmupMs(), steps);
    if (due != n.getEffectiveWeightMilli() || elapsed >= n.getWarmupMs()) {
      submit(
          "warmup:" + n.getId(),
          List.of(
              Command.newBuilder()
                  .setAdvanceWarmup(AdvanceWarmup.newBuilder().setNodeId(n.getId()))
                  .build()),
          () -> {});
    }
  }

  private void rehome(NodeRecord n, long wallNow, long term, long elapsedNanos, RingPolicy policy) {
    if (n.getSessionCount() == 0) {
      paceBudget.remove(n.getId());
      return;
    }
    boolean nowhereToGo =
        group
            .stateMachine()
            .read(core -> ((RingCore) core).inspector().placement().membership().isEmpty());
    if (nowhereToGo) {
      return; // no node takes sessions: rehoming waits for one to join
    }
    int max;

    switch (n.getState()) {
      case NODE_STATE_DOWN -> max = rehomeBatch; // as fast as the log allows
      case NODE_STATE_LEFT -> max = paced(n.getId(), elapsedNanos, policy.getRehomePerSecond());
      case NODE_STATE_DRAINING -> {
        if (wallNow < n.getDrainDeadlineMs()) {
          return;
        }
        max = paced(n.getId(), elapsedNanos, policy.getRehomePerSecond());
      }
      default -> {
        return;
      }
    }
    if (max <= 0) {
      return;
    }
    int batch = Math.min(max, Limits.REHOME_BATCH_MAX);
    if (n.getState() == NodeState.NODE_STATE_DOWN) {
      rehomeDown(n.getId(), batch, term);
      return;
    }
    submitForResults(
        "rehome:" + n.getId(),
        List.of(rehomeCommand(n.getId(), batch, term)),
        results -> paceBudget.merge(n.getId(), (double) -batch, Double::sum));
  }

  /**
   * Moves a DOWN node's sessions as fast as the log allows: each batch is followed at once by the
   * next while sessions remain and this daemon still leads in the same term.
   */
  private void rehomeDown(String node, int batch, long term) {
    submitForResults(
        "rehome:" + node,
        List.of(rehomeCommand(node, batch, term)),
        results -> {
          var r = results.getResults(0);
          if (r.hasRehome()
              && r.getRehome().getRemaining() > 0
              && r.getRehome().getMoved() > 0
              && group.isLeader()
              && group.term() == term) {
            rehomeDown(node, batch, term);
          }
        });
  }

  private static Command rehomeCommand(String node, int batch, long term) {
    return Command.newBuilder()
        .setRehome(Rehome.newBuilder().setNodeId(node).setMaxSessions(batch).setIssuerTerm(term))
        .build();
  }

  /** Sessions that may move now at {@code perSecond}: a budget refilled by elapsed time. */
  private int paced(String node, long elapsedNanos, int perSecond) {
    double budget = paceBudget.merge(node, perSecond * (elapsedNanos / 1e9), Double::sum);
    double cap = Math.max(1, perSecond); // at most one second of budget accumulates
    if (budget > cap) {
      paceBudget.put(node, cap);
      budget = cap;
    }
    return (int) Math.floor(budget);
  }

  private void expireIdleSessions(long wallNow, long term) {
    if (pending.contains("expiry")) {
      return;
    }
    List<String> idle = new ArrayList<>();
    String next =
        group
            .stateMachine()
            .read(
                core ->
                    ((RingCore) core)
                        .inspector()
                        .scanIdle(expiryCursor, expiryScan, wallNow, idle));
    expiryCursor = next;
    for (int from = 0; from < idle.size(); from += Limits.IDS_PER_COMMAND_MAX) {
      List<String> chunk =
          idle.subList(from, Math.min(idle.size(), from + Limits.IDS_PER_COMMAND_MAX));
      submit(
          "expiry",
          List.of(
              Command.newBuilder()
                  .setExpireSessions(
                      ExpireSessions.newBuilder().addAllSessionIds(chunk).setIssuerTerm(term))
                  .build()),
          () -> {});
    }
  }

  /**
   * Initialises a ring that is in the catalog but whose group never applied its InitRing: {@code
   * CreateRing} commits the catalog entry first and InitRing second, and when the second times out
   * (no leader yet, a slow machine) a retried CreateRing only answers ALREADY_EXISTS. Without this
   * the ring would refuse every call forever. InitRing is idempotent (a second one is refused).
   */
  private void initFromCatalog(boolean leader) {
    RingPolicy policy = catalogPolicy.get();
    if (!leader || policy == null) {
      return;
    }
    submit(
        "init",
        List.of(
            Command.newBuilder()
                .setInitRing(InitRing.newBuilder().setName(ring).setPolicy(policy))
                .build()),
        () -> LOG.info("ring {}: initialised by its leader from the catalog", ring));
  }

  private void reconcilePolicy(RingMeta meta) {
    RingPolicy wanted = catalogPolicy.get();
    if (wanted != null && !wanted.equals(meta.getPolicy())) {
      submit(
          "policy",
          List.of(
              Command.newBuilder().setSetPolicy(SetPolicy.newBuilder().setPolicy(wanted)).build()),
          () -> {});
    }
  }

  /** As below, for a duty that needs nothing from its results. */
  private void submit(String key, List<Command> commands, Runnable onSuccess) {
    submit(key, commands, results -> onSuccess.run(), () -> {});
  }

  /** As below, for a duty whose refusal needs no handling. */
  private void submitForResults(
      String key, List<Command> commands, java.util.function.Consumer<ResultBatch> onSuccess) {
    submit(key, commands, onSuccess, () -> {});
  }

  /**
   * Sends a duty's commands as their own entry unless the same duty is still in flight; {@code
   * onRefused} runs when the state machine applied the entry but refused the command.
   */
  private void submit(
      String key,
      List<Command> commands,
      java.util.function.Consumer<ResultBatch> onSuccess,
      Runnable onRefused) {
    if (!pending.add(key)) {
      return;
    }
    group
        .committer()
        .submitAlone(commands)
        .whenComplete(
            (results, error) -> {
              pending.remove(key);
              if (error != null) {
                LOG.debug("ring {}: duty {} failed: {}", ring, key, error.toString());
              } else if (results.getResults(0).getCodeValue() == 0) {
                onSuccess.accept(results);
              } else {
                onRefused.run();
              }
            });
  }

  private RingMeta meta() {
    return group.stateMachine().read(core -> ((RingCore) core).meta());
  }

  private List<NodeRecord> nodes() {
    return group.stateMachine().read(core -> ((RingCore) core).inspector().nodes());
  }

  private NodeRecord node(String id) {
    return group.stateMachine().read(core -> ((RingCore) core).inspector().node(id));
  }

  private static boolean holdsLease(NodeState s) {
    return s == NodeState.NODE_STATE_JOINING
        || s == NodeState.NODE_STATE_ACTIVE
        || s == NodeState.NODE_STATE_DRAINING;
  }

  /** Nodes whose lease this leader tracks (for status and tests). */
  public Set<String> leasedNodes() {
    return new HashSet<>(leaseDeadlines.keySet());
  }
}
