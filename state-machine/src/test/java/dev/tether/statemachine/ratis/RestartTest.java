package dev.tether.statemachine.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.OwnerAnswer;
import dev.tether.proto.internal.Result;
import dev.tether.statemachine.testing.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers stop and start again: the whole cluster, the leader alone, and after snapshots and log
 * purges. State survives every restart byte for byte (equal digests) and through queries.
 */
class RestartTest {
  private static final String[] PROBES = {"s-1", "s-17", "s-123", "s-400", "s-777"};

  @TempDir static Path dir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws IOException {
    cluster = LocalCluster.start(dir, 3);
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static RaftGroupId newLoadedRing(long seed, int commands) throws IOException {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    GroupCommitter committer = cluster.committer(gid);
    ReplicationTest.newRing(committer, gid, 4);
    Traffic.run(committer, seed, commands, 1_000);
    return gid;
  }

  private static List<OwnerAnswer> lookups(RaftClient client) throws IOException {
    return Commands.read(client, Commands.lookup(PROBES)).getLookup().getAnswersList();
  }

  /** Stopping and starting every server loses nothing: same digest, same answers. */
  @Test
  void aFullClusterRestartRecoversAllState() throws IOException {
    RaftGroupId gid = newLoadedRing(1, 3_000);
    long appliedBefore = cluster.awaitConverged(gid);
    long digest = cluster.digest(0, gid);
    String view = Commands.view(cluster.stateMachine(0, gid));
    List<OwnerAnswer> answers = lookups(cluster.client(gid));

    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      cluster.kill(i);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      cluster.restart(i);
    }

    long appliedAfter = cluster.awaitConverged(gid);
    long t2 = System.nanoTime();
    System.out.printf(
        "MEASURE full restart: 3 kills took %d ms; restart to converged at index %d took %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(t1 - t0),
        appliedAfter,
        TimeUnit.NANOSECONDS.toMillis(t2 - t1));
    assertThat(appliedAfter).isGreaterThan(appliedBefore); // the new leader's first entry
    for (int i = 0; i < 3; i++) {
      assertThat(cluster.digest(i, gid)).as("digest of s%d", i).isEqualTo(digest);
      assertThat(Commands.view(cluster.stateMachine(i, gid))).isEqualTo(view);
    }
    assertThat(lookups(cluster.client(gid))).isEqualTo(answers);
    assertThat(Traffic.run(cluster.committer(gid), 2, 200, 1_000).ok()).isPositive();
  }

  /** After the leader dies another takes over, keeps the data and takes writes. */
  @Test
  void aNewLeaderContinuesAfterTheLeaderDies() throws IOException {
    RaftGroupId gid = newLoadedRing(3, 1_000);
    cluster.awaitConverged(gid);
    List<OwnerAnswer> answers = lookups(cluster.client(gid));
    int old = cluster.awaitLeader(gid);

    GroupCommitter committer = cluster.committer(gid);
    long t0 = System.nanoTime();
    cluster.kill(old);
    long t1 = System.nanoTime();
    int leader = cluster.awaitLeader(gid);
    long t2 = System.nanoTime();
    assertThat(leader).isNotEqualTo(old);
    assertThat(lookups(cluster.client(gid))).isEqualTo(answers);
    assertThat(Commands.get(committer.submit(Commands.open("after-failover"))).getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_OK);
    long t3 = System.nanoTime();
    System.out.printf(
        "MEASURE failover: kill took %d ms; new leader ready %d ms after; a linearizable read"
            + " and a write done %d ms after%n",
        TimeUnit.NANOSECONDS.toMillis(t1 - t0),
        TimeUnit.NANOSECONDS.toMillis(t2 - t1),
        TimeUnit.NANOSECONDS.toMillis(t3 - t1));
    Traffic.Outcome more = Traffic.run(committer, 4, 1_000, 1_000);
    assertThat(more.ok()).isPositive();

    cluster.restart(old);
    cluster.awaitConverged(gid);
    assertThat(Commands.view(cluster.stateMachine(old, gid)))
        .isEqualTo(Commands.view(cluster.stateMachine(leader, gid)));
  }

  /**
   * Snapshots on demand work again and again on every server; the log is purged behind them; old
   * checkpoints are cleaned up; and a restart from snapshot plus log suffix recovers the state.
   */
  @Test
  void snapshotsRepeatAndARestartAfterPurgeRecovers() throws IOException {
    RaftGroupId gid = newLoadedRing(5, 500);
    RaftClient client = cluster.client(gid);
    long[] last = new long[3];
    for (int round = 0; round < 3; round++) {
      Traffic.run(cluster.committer(gid), 10 + round, 1_500, 1_000);
      cluster.awaitConverged(gid);
      for (int i = 0; i < 3; i++) {
        RaftClientReply reply =
            client.getSnapshotManagementApi(cluster.peer(i).getId()).create(true, 30_000);
        assertThat(reply.isSuccess()).as("snapshot on s%d", i).isTrue();
        assertThat(reply.getLogIndex()).isGreaterThan(last[i]);
        last[i] = reply.getLogIndex();
        assertThat(snapshotDirs(i, gid)).contains("snapshot." + termOf(i, gid) + "_" + last[i]);
        int server = i;
        // Ratis replies before it cleans up old snapshots.
        cluster.await(
            "s" + i + " to keep two snapshots", () -> snapshotDirs(server, gid).size() <= 2);
      }
    }
    Traffic.run(cluster.committer(gid), 20, 500, 1_000); // a log suffix after the snapshot
    long applied = cluster.awaitConverged(gid);
    long digest = cluster.digest(0, gid);
    for (int i = 0; i < 3; i++) {
      assertThat(cluster.division(i, gid).getRaftLog().getStartIndex())
          .as("log start of s%d", i)
          .isPositive();
    }

    for (int i = 0; i < 3; i++) {
      cluster.kill(i);
    }
    for (int i = 0; i < 3; i++) {
      cluster.restart(i);
    }
    assertThat(cluster.awaitConverged(gid)).isGreaterThan(applied);
    for (int i = 0; i < 3; i++) {
      assertThat(cluster.digest(i, gid)).as("digest of s%d", i).isEqualTo(digest);
    }
  }

  /**
   * Ratis closes a client's ordered stream for good once a request runs out of retries (here: no
   * quorum for longer than the client retries). A committer given a way to reconnect replaces its
   * client and writes again once the quorum is back; one without stays refused (the behaviour the
   * reconnect exists for).
   */
  @Test
  void aCommitterWritesAgainAfterRatisClosedItsStream() throws Exception {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    cluster.awaitLeader(gid);
    List<RaftClient> made = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Supplier<RaftClient> impatient =
        () -> {
          RaftClient c =
              RaftClient.newBuilder()
                  .setRaftGroup(cluster.group(gid))
                  .setProperties(LocalCluster.TEST_SETTINGS.clientProperties())
                  .setRetryPolicy(
                      org.apache.ratis.retry.RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                          3,
                          org.apache.ratis.util.TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                  .build();
          made.add(c);
          return c;
        };
    try {
      GroupCommitter healing = new GroupCommitter(impatient.get(), impatient, 64, 8);
      GroupCommitter stuck = new GroupCommitter(impatient.get(), 64, 8);
      // Set up through a patient client: only the outage below is meant to exhaust retries.
      ReplicationTest.newRing(cluster.committer(gid), gid, 3);
      cluster.awaitConverged(gid);

      cluster.kill(1);
      cluster.kill(2);
      for (GroupCommitter c : List.of(healing, stuck)) {
        assertThat(c.submit(Commands.open("during"))).failsWithin(java.time.Duration.ofSeconds(60));
      }
      cluster.restart(1);
      cluster.restart(2);
      cluster.awaitLeader(gid);

      // The first write after the outage may meet the closed stream and trigger the replacement.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .until(
              () -> {
                try {
                  return healing.submit(Commands.open("after")).get(30, TimeUnit.SECONDS).getCode()
                      == ErrorCode.ERROR_CODE_OK;
                } catch (java.util.concurrent.ExecutionException e) {
                  return false;
                }
              });
      assertThat(stuck.submit(Commands.open("after-stuck")))
          .failsWithin(java.time.Duration.ofSeconds(30))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(org.apache.ratis.protocol.exceptions.AlreadyClosedException.class);
      healing.close();
    } finally {
      for (RaftClient c : made) {
        c.close();
      }
    }
  }

  /**
   * A committer told who leads (the daemon's local replica knows a new leader long before Ratis's
   * client gives up a cut-off old one) switches to a client aimed at that leader before it sends,
   * and at most once a second however often the hint changes.
   */
  @Test
  void aCommitterSwitchesToTheHintedLeaderAtMostOnceASecond() throws Exception {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    ReplicationTest.newRing(cluster.committer(gid), gid, 3);
    int leader = cluster.awaitLeader(gid);
    RaftPeerId leaderId = cluster.peer(leader).getId();
    // Servers are numbered from 0. Hints name followers: a hint equal to the leader Ratis's client
    // already found (it follows NOT_LEADER redirects) needs no switch.
    RaftPeerId follower1 = cluster.peer((leader + 1) % cluster.size()).getId();
    RaftPeerId follower2 = cluster.peer((leader + 2) % cluster.size()).getId();
    AimedClients clients = new AimedClients(cluster.group(gid));
    AtomicReference<RaftPeerId> hint = new AtomicReference<>();
    GroupCommitter committer =
        new GroupCommitter(clients.make(leaderId), clients::make, hint::get, 64, 8);
    clients.aimedAt.clear();
    try {
      // No hint: the client stays as it is.
      assertThat(committer.submit(Commands.open("s1")).get(30, TimeUnit.SECONDS).getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_OK);
      assertThat(clients.aimedAt).isEmpty();

      hint.set(follower1);
      assertThat(committer.submit(Commands.open("s2")).get(30, TimeUnit.SECONDS).getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_OK);
      assertThat(clients.aimedAt).containsExactly(follower1);

      // Another hint within the second is not followed.
      hint.set(follower2);
      assertThat(committer.submit(Commands.open("s3")).get(30, TimeUnit.SECONDS).getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_OK);
      assertThat(clients.aimedAt).containsExactly(follower1);
    } finally {
      committer.close();
      clients.close();
    }
  }

  /**
   * An entry sent to a leader that never answers (a socket that accepts and stays silent, like a
   * cut-off leader) is answered as unknown once the committer knows another leader and the entry
   * has been in flight {@link GroupCommitter#STUCK_ENTRY_MS_MIN}, not when Ratis's client gives the
   * old one up; commands sent after the switch commit. Here the entry is younger than that at the
   * switch, so the committer's own later look answers it, with nothing else sent.
   */
  @Test
  void aSwitchAnswersEntriesStuckOnTheOldLeaderAtOnce() throws Exception {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    ReplicationTest.newRing(cluster.committer(gid), gid, 3);
    int leader = cluster.awaitLeader(gid);
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
      RaftPeer hole =
          RaftPeer.newBuilder()
              .setId("silent")
              .setAddress("127.0.0.1:" + silent.getLocalPort())
              .build();
      List<RaftPeer> peers = new ArrayList<>(cluster.group(gid).getPeers());
      peers.add(hole);
      AimedClients clients = new AimedClients(RaftGroup.valueOf(gid, peers));
      AtomicReference<RaftPeerId> hint = new AtomicReference<>();
      GroupCommitter committer =
          new GroupCommitter(clients.make(hole.getId()), clients::make, hint::get, 64, 8);
      try {
        java.util.concurrent.CompletableFuture<?> stuck = committer.submit(Commands.open("s1"));
        Thread.sleep(100); // a sleep, not an await: the claim is that nothing answers it
        assertThat(stuck).isNotDone();

        hint.set(cluster.peer(leader).getId());
        assertThat(committer.submit(Commands.open("s2")).get(30, TimeUnit.SECONDS).getCode())
            .isEqualTo(ErrorCode.ERROR_CODE_OK);
        // Ratis's own failover would have answered it with a reply or its own error, not this.
        assertThat(stuck)
            .failsWithin(java.time.Duration.ofSeconds(30))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .withCauseInstanceOf(GroupCommitter.LeaderChangedException.class);
        // A command for the same session as the abandoned entry is not held behind it.
        assertThat(committer.submit(Commands.open("s1")).get(30, TimeUnit.SECONDS).getCode())
            .isEqualTo(ErrorCode.ERROR_CODE_OK);
      } finally {
        committer.close();
        clients.close();
      }
    }
  }

  /**
   * Entries on their normal way to the leader are left alone by a switch: here the first client is
   * aimed at a follower, which redirects it, and the hint names the leader only after the first
   * entries were sent (as at start-up, when the leader becomes known). The committer once answered
   * every entry of the replaced client as unknown, failing commands that were about to commit (the
   * daemon's LostInitRingTest saw it in CI).
   */
  @Test
  void aSwitchLeavesEntriesOnTheirWayToTheLeaderAlone() throws Exception {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    ReplicationTest.newRing(cluster.committer(gid), gid, 3);
    int leader = cluster.awaitLeader(gid);
    RaftPeerId follower = cluster.peer((leader + 1) % cluster.size()).getId();
    AimedClients clients = new AimedClients(cluster.group(gid));
    AtomicReference<RaftPeerId> hint = new AtomicReference<>();
    GroupCommitter committer =
        new GroupCommitter(clients.make(follower), clients::make, hint::get, 1, 8);
    try {
      List<java.util.concurrent.CompletableFuture<Result>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        results.add(committer.submit(Commands.open("before-" + i)));
      }
      hint.set(cluster.peer(leader).getId());
      for (int i = 0; i < 32; i++) {
        results.add(committer.submit(Commands.open("after-" + i)));
      }
      for (var r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(ErrorCode.ERROR_CODE_OK);
      }
    } finally {
      committer.close();
      clients.close();
    }
  }

  /** Makes clients of one group aimed at a given leader, and remembers them to close them. */
  private static final class AimedClients implements AutoCloseable {
    final RaftGroup group;
    final List<RaftPeerId> aimedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<RaftClient> made = new java.util.concurrent.CopyOnWriteArrayList<>();

    AimedClients(RaftGroup group) {
      this.group = group;
    }

    RaftClient make(RaftPeerId target) {
      aimedAt.add(target);
      RaftClient.Builder b =
          RaftClient.newBuilder()
              .setRaftGroup(group)
              .setProperties(LocalCluster.TEST_SETTINGS.clientProperties());
      if (target != null) {
        b.setLeaderId(target);
      }
      RaftClient c = b.build();
      made.add(c);
      return c;
    }

    @Override
    public void close() throws IOException {
      for (RaftClient c : made) {
        c.close();
      }
    }
  }

  private static long termOf(int i, RaftGroupId gid) {
    return cluster.stateMachine(i, gid).getLatestSnapshot().getTerm();
  }

  private static List<String> snapshotDirs(int i, RaftGroupId gid) {
    Path sm =
        cluster.division(i, gid).getRaftStorage().getStorageDir().getStateMachineDir().toPath();
    List<String> names = new ArrayList<>();
    try (Stream<Path> entries = Files.list(sm)) {
      entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("snapshot."))
          .forEach(names::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }
}
