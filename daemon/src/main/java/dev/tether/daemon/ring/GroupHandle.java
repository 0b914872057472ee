package dev.tether.daemon.ring;

import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.statemachine.ratis.GroupCommitter;
import dev.tether.statemachine.ratis.TetherStateMachine;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft group as this daemon sees it: its local division and state machine, a client that sends
 * writes to the group's leader (group commit), and linearizable reads served locally.
 */
public final class GroupHandle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupHandle.class);

  /** Longest a read or renewal waits for its probe entry before failing, ms. */
  static final long READ_CONFIRM_MS_MAX = 10_000;

  private static final ScheduledExecutorService CONFIRMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tether-read-confirm");
            t.setDaemon(true);
            return t;
          });

  private final RaftServer server;
  private final RaftGroupId groupId;
  private final RaftClient client;
  private final GroupCommitter committer;
  private final ReadBatcher reads;
  private final long electionMs;
  private final AtomicBoolean propagating = new AtomicBoolean();
  private final AtomicBoolean nudging = new AtomicBoolean();
  private final Object probeLock = new Object();
  private CompletableFuture<GroupCommitter.Probe> probeInFlight; // guarded by probeLock
  private CompletableFuture<GroupCommitter.Probe> probeNext; // guarded by probeLock
  private RaftPeerId probeLeader; // the fresh leader when the probe in flight went out; probeLock
  private long probeGeneration; // guarded by probeLock

  public GroupHandle(
      RaftServer server,
      RaftGroupId groupId,
      RaftClient client,
      Function<RaftPeerId, RaftClient> reconnect,
      long electionMs,
      int maxCommands,
      int maxInFlight,
      int readBatchMax,
      int readInFlightMax) {
    this.server = server;
    this.groupId = groupId;
    this.client = client;
    this.electionMs = electionMs;
    this.committer =
        new GroupCommitter(client, reconnect, this::freshLeader, maxCommands, maxInFlight);
    this.reads = new ReadBatcher(readBatchMax, readInFlightMax, this::readLinearizable);
  }

  public RaftGroupId groupId() {
    return groupId;
  }

  public RaftClient client() {
    return client;
  }

  public GroupCommitter committer() {
    return committer;
  }

  public ReadBatcher reads() {
    return reads;
  }

  /** The local division, or empty when this server does not (or no longer) host the group. */
  public Optional<RaftServer.Division> division() {
    try {
      return Optional.of(server.getDivision(groupId));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The local state machine (the group must be hosted here). */
  public TetherStateMachine stateMachine() {
    return (TetherStateMachine)
        division()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "group " + groupId + " is not hosted on " + server.getId()))
            .getStateMachine();
  }

  /**
   * On the leader, sends an empty entry so that the followers learn the commit index now rather
   * than at the next heartbeat (half the minimum election timeout away): Ratis tells followers
   * about a commit only with the next AppendEntries, so after a membership change the followers'
   * rings and watch streams would otherwise lag by up to that long. At most one such entry is in
   * flight; it applies as nothing.
   */
  public void propagateCommit() {
    if (!isLeader() || !propagating.compareAndSet(false, true)) {
      return;
    }
    committer.submitAlone(List.of()).whenComplete((results, error) -> propagating.set(false));
  }

  public boolean isLeader() {
    return division().map(d -> d.getInfo().isLeader() && d.getInfo().isLeaderReady()).orElse(false);
  }

  /**
   * The group's leader as this replica knows it, when it knows for sure: itself if it leads and is
   * ready, or a leader it heard from within an election timeout; null otherwise. Writes and probes
   * go there ({@link GroupCommitter}): the Ratis client would keep trying a cut-off old leader for
   * an election timeout per attempt (chaos finding 2).
   */
  RaftPeerId freshLeader() {
    Optional<RaftServer.Division> d = division();
    if (d.isEmpty()) {
      return null;
    }
    DivisionInfo info = d.get().getInfo();
    RaftPeerId leader = info.getLeaderId();
    if (leader == null) {
      return null;
    }
    if (info.isLeader()) {
      return info.isLeaderReady() ? leader : null;
    }
    long contact = msSinceLeaderContact();
    return contact >= 0 && contact < electionMs ? leader : null;
  }

  public long term() {
    return division().map(d -> d.getInfo().getCurrentTerm()).orElse(0L);
  }

  /** The leader's daemon id as this replica knows it. */
  public Optional<String> leader() {
    return division().map(d -> d.getInfo().getLeaderId()).map(RaftPeerId::toString);
  }

  /**
   * Milliseconds since this replica last heard from a leader: 0 on a leader that still has a
   * majority, -1 if never.
   */
  public long msSinceLeaderContact() {
    Optional<RaftServer.Division> d = division();
    if (d.isEmpty()) {
      return -1;
    }
    DivisionInfo info = d.get().getInfo();
    RoleInfoProto role = info.getRoleInfoProto();
    if (role.getRole() == RaftPeerRole.LEADER) {
      // A leader hears from "a leader" as long as a majority acknowledges it: report the time
      // since the follower whose acknowledgement completes the majority last answered. An isolated
      // leader thus looks as stale as it is, before Ratis makes it step down.
      long[] elapsed =
          role.getLeaderInfo().getFollowerInfoList().stream()
              .mapToLong(f -> f.getLastRpcElapsedTimeMs())
              .sorted()
              .toArray();
      int needed = (elapsed.length + 1) / 2; // followers needed besides the leader for a majority
      return needed == 0 ? 0 : elapsed[Math.min(needed, elapsed.length) - 1];
    }

    if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
      return role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
    }
    return -1;
  }

  /**
   * Call when a lease renewal begins; the returned future completes once this daemon, if it leads
   * the group now, has proven it still led with a majority behind it at some moment after this
   * call, and fails if it cannot. A daemon that does not lead now completes at once (renewals are
   * only made by a leader; the planted lessor bug renews anyway).
   *
   * <p>The proof is a probe entry committed by this daemon as leader (see {@link #probe}). Counting
   * AppendEntries replies instead is not enough: Ratis records the reply time of a follower that
   * answers NOT_LEADER (it already voted for a newer leader) before the old leader steps down.
   */
  public CompletableFuture<Void> confirmLeadership() {
    Optional<RaftServer.Division> d = division();
    if (d.isEmpty() || !d.get().getInfo().isLeader()) {
      return CompletableFuture.completedFuture(null);
    }
    return probe()
        .thenAccept(
            p -> {
              if (!p.leader().equals(server.getId())) {
                throw new IllegalStateException(
                    "lost the leadership of " + groupId + " to " + p.leader());
              }
            });
  }

  /**
   * A linearizable read of this daemon's replica, leader or follower: a probe entry submitted after
   * the read began is committed (through whichever daemon leads), this replica applies it, and then
   * the query runs against the applied state. Every write acknowledged before the read began was
   * committed before the probe, so the read sees it; a replica cut off from the leader never
   * applies the probe and its read fails by its deadline, so a minority never answers.
   *
   * <p>Why not Ratis's ReadIndex: Ratis 3.3.0 answers a ReadIndex on the leader at once when the
   * commit index is not above one a majority acknowledged earlier ({@code
   * ReadIndexHeartbeats.addAppendEntriesListener} returns null), so a leader cut off from the
   * others answers reads from its own state as linearizable until it steps down; and when the
   * commit index has just moved, it waits for the next heartbeat, half an election timeout (the 1×1
   * benchmark measured a p99 of 529 ms once lease renewals committed entries often). A probe costs
   * one commit, shared by every read that begins while the previous one is in flight.
   *
   * <p>A follower learns that the probe committed only with the leader's next AppendEntries, so
   * when a read waits for an index this replica has not applied, it commits one more empty entry
   * ({@link #nudge}).
   */
  public CompletableFuture<QueryResult> readLinearizable(Query query) {
    return probe()
        .thenCompose(
            p -> {
              TetherStateMachine sm = stateMachine();
              CompletableFuture<Void> applied =
                  sm.whenApplied(p.index()).orTimeout(READ_CONFIRM_MS_MAX, TimeUnit.MILLISECONDS);
              if (!applied.isDone()) {
                nudge(sm);
              }
              return applied.thenApply(v -> sm.queryLocal(query));
            });
  }

  /**
   * Commits empty entries, one at a time, while a read on this replica waits for an index it has
   * not applied: the entry's AppendEntries carries the leader's commit index to this replica now,
   * instead of at the next heartbeat. Stops when no read waits (reads give up by their deadline).
   */
  private void nudge(TetherStateMachine sm) {
    if (!nudging.compareAndSet(false, true)) {
      return;
    }
    committer
        .submitAlone(List.of())
        .whenComplete(
            (results, error) -> {
              nudging.set(false);
              if (error == null && sm.readsWaitingForApply()) {
                nudge(sm);
              }
            });
  }

  /**
   * Commits a probe entry submitted after this call (see {@link GroupCommitter#probe}). Concurrent
   * callers share probes: at most one is in flight and one queued; a caller that arrives while one
   * is in flight waits for the queued one, since the one in flight may have been submitted before
   * the caller began.
   */
  CompletableFuture<GroupCommitter.Probe> probe() {
    RaftPeerId leader = freshLeader();
    synchronized (probeLock) {
      if (probeInFlight != null && leader != null && !leader.equals(probeLeader)) {
        // The probe in flight went out before this replica knew the current leader: it may be
        // stuck on a cut-off old one. Start afresh; the probe abandoned still completes its own
        // callers, and the callers queued behind it move to the new one.
        probeGeneration++;
        LOG.info(
            "{}: read probe sent while {} led is replaced; {} leads now",
            groupId,
            probeLeader,
            leader);
        CompletableFuture<GroupCommitter.Probe> waiting = probeNext;
        probeNext = null;
        probeLeader = leader;
        probeInFlight = startProbe();
        if (waiting != null) {
          relay(probeInFlight, waiting);
        }
        return probeInFlight;
      }
      if (probeInFlight == null) {
        probeLeader = leader;
        probeInFlight = startProbe();
        return probeInFlight;
      }
      if (probeNext == null) {
        probeNext = new CompletableFuture<>();
      }
      return probeNext;
    }
  }

  /** Submits a probe; the caller holds {@link #probeLock}. */
  private CompletableFuture<GroupCommitter.Probe> startProbe() {
    long generation = probeGeneration;
    CompletableFuture<GroupCommitter.Probe> done = new CompletableFuture<>();
    committer
        .probe()
        .orTimeout(READ_CONFIRM_MS_MAX, TimeUnit.MILLISECONDS)
        // Async: the next probe is started under the lock, never inline in the caller's.
        .whenCompleteAsync(
            (probe, error) -> {
              if (error != null) {
                done.completeExceptionally(
                    new IllegalStateException(
                        "could not commit a read probe in " + groupId + ": " + error, error));
              } else {
                done.complete(probe);
              }
              synchronized (probeLock) {
                if (generation != probeGeneration) {
                  return; // abandoned: a newer probe took its place
                }
                CompletableFuture<GroupCommitter.Probe> waiting = probeNext;
                probeNext = null;
                probeLeader = waiting == null ? null : freshLeader();
                probeInFlight = waiting == null ? null : startProbe();
                if (waiting != null) {
                  relay(probeInFlight, waiting);
                }
              }
            },
            CONFIRMER);
    return done;
  }

  private static void relay(
      CompletableFuture<GroupCommitter.Probe> from, CompletableFuture<GroupCommitter.Probe> to) {
    from.whenComplete(
        (v, e) -> {
          if (e != null) {
            to.completeExceptionally(e);
          } else {
            to.complete(v);
          }
        });
  }

  public long appliedIndex() {
    return division().map(d -> d.getInfo().getLastAppliedIndex()).orElse(0L);
  }

  public String role() {
    return division().map(d -> d.getInfo().getCurrentRole().name()).orElse("NONE");
  }

  @Override
  public void close() {
    committer.close();
    try {
      client.close();
    } catch (IOException e) {
      // Closing a client only releases channels; nothing to recover.
    }
  }
}
