package dev.tether.daemon.ring;

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
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * One Raft group as this daemon sees it: its local division and state machine, a client that sends
 * writes to the group's leader (group commit), and linearizable reads served locally.
 */
public final class GroupHandle implements AutoCloseable {
  /** Longest a leader read waits for its leadership probe before failing, ms. */
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
  private final AtomicBoolean propagating = new AtomicBoolean();
  private final Object probeLock = new Object();
  private CompletableFuture<Void> probeInFlight; // guarded by probeLock
  private CompletableFuture<Void> probeNext; // guarded by probeLock

  public GroupHandle(
      RaftServer server,
      RaftGroupId groupId,
      RaftClient client,
      Supplier<RaftClient> reconnect,
      int maxCommands,
      int maxInFlight,
      int readBatchMax,
      int readInFlightMax) {
    this.server = server;
    this.groupId = groupId;
    this.client = client;
    this.committer = new GroupCommitter(client, reconnect, maxCommands, maxInFlight);
    this.reads =
        new ReadBatcher(client, server.getId(), readBatchMax, readInFlightMax, this::beginRead);
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
   * Call when a linearizable read (or a lease renewal) begins; the returned future completes once
   * this daemon, if it leads the group now, has proven it still led with a majority behind it at
   * some moment after this call, and fails if it cannot. A daemon that does not lead now completes
   * at once: its follower read is confirmed by the leader it asks (a daemon that becomes leader in
   * between commits its first entry of the new term, after this call, before it serves reads).
   *
   * <p>Why: Ratis 3.3.0 answers a ReadIndex on the leader at once, without a heartbeat round, when
   * the commit index is not above one a majority acknowledged earlier ({@code
   * ReadIndexHeartbeats.addAppendEntriesListener} returns null). A leader cut off from the others
   * keeps its commit index, so it answers every read from its own state as linearizable until it
   * steps down, while the others may already have elected a leader and committed writes.
   *
   * <p>The proof is an empty entry submitted after this call and committed by this daemon as
   * leader: a majority accepted an entry of its term after the read began, so no later leader had
   * been elected by then, and every write acknowledged before the read is in its log. Counting
   * AppendEntries replies instead is not enough: Ratis records the reply time of a follower that
   * answers NOT_LEADER (it already voted for a newer leader) before the old leader steps down. A
   * lease (replies within most of an election timeout) would be faster, but it lets a leader that
   * was just cut off answer authoritatively from the minority side, which Tether promises never to
   * do (the chaos suite's authoritative-answers checker caught it within 84 ms of an isolation).
   * Concurrent reads share probes: at most one is in flight and one queued.
   */
  public CompletableFuture<Void> beginRead() {
    Optional<RaftServer.Division> d = division();
    if (d.isEmpty() || !d.get().getInfo().isLeader()) {
      return CompletableFuture.completedFuture(null);
    }
    synchronized (probeLock) {
      if (probeInFlight == null) {
        probeInFlight = startProbe();
        return probeInFlight;
      }
      // The probe in flight may have been submitted before this read began: wait for the next.
      if (probeNext == null) {
        probeNext = new CompletableFuture<>();
      }
      return probeNext;
    }
  }

  /** Submits a probe; the caller holds {@link #probeLock}. */
  private CompletableFuture<Void> startProbe() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    committer
        .probe()
        .orTimeout(READ_CONFIRM_MS_MAX, TimeUnit.MILLISECONDS)
        // Async: the next probe is started under the lock, never inline in the caller's.
        .whenCompleteAsync(
            (peer, error) -> {
              if (error != null) {
                done.completeExceptionally(
                    new IllegalStateException(
                        "could not confirm the leadership of " + groupId + ": " + error, error));
              } else if (!peer.equals(server.getId())) {
                done.completeExceptionally(
                    new IllegalStateException(
                        "lost the leadership of " + groupId + " to " + peer + " during the read"));
              } else {
                done.complete(null);
              }
              synchronized (probeLock) {
                CompletableFuture<Void> waiting = probeNext;
                probeNext = null;
                probeInFlight = waiting == null ? null : startProbe();
                if (waiting != null) {
                  probeInFlight.whenComplete(
                      (v, e) -> {
                        if (e != null) {
                          waiting.completeExceptionally(e);
                        } else {
                          waiting.complete(null);
                        }
                      });
                }
              }
            },
            CONFIRMER);
    return done;
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
