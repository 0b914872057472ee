package dev.tether.statemachine.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.statemachine.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.raftlog.RaftLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that missed more than the leader's log holds catch up through Ratis's chunked
 * InstallSnapshot of a RocksDB checkpoint: a follower that was down while 50k commands committed,
 * and a server added after the log was purged. Snapshots here come every 200 entries and the log is
 * kept in 64 KiB segments, so purging happens within the test.
 */
class CatchUpTest {
  private static final RatisSettings SETTINGS = new RatisSettings(300, 200, 64, 64L << 10);

  @TempDir static Path dir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws IOException {
    cluster = LocalCluster.builder(dir).servers(3).settings(SETTINGS).start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * A follower down while 50k commands commit and the log is purged past it comes back, installs
   * the leader's snapshot (never replaying the purged entries) and ends with the same digest; stale
   * reads on it during the install never touch a closed store.
   */
  @Test
  void aFollowerBehindThePurgedLogCatchesUpThroughASnapshot() throws Exception {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    GroupCommitter committer = cluster.committer(gid, 64, 16);
    ReplicationTest.newRing(committer, gid, 8);
    Traffic.run(committer, 41, 500, 20_000);
    cluster.awaitConverged(gid);
    int leader = cluster.awaitLeader(gid);
    int follower = (leader + 1) % 3;
    long followerApplied = cluster.appliedIndex(follower, gid);
    cluster.kill(follower);

    long[] before = committer.counters();
    long t0 = System.nanoTime();
    Traffic.Outcome load = Traffic.run(committer, 42, 50_000, 20_000);
    long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    long[] after = committer.counters();
    assertThat(load.total()).isGreaterThanOrEqualTo(50_000);
    RaftLog leaderLog = cluster.division(leader, gid).getRaftLog();
    cluster.await(
        "the leader to purge its log past the follower",
        () -> leaderLog.getStartIndex() > followerApplied + 1);
    long leaderStart = leaderLog.getStartIndex();

    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicLong answered = new AtomicLong();
    AtomicLong unavailable = new AtomicLong();
    AtomicReference<Throwable> readError = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> readWhileInstalling(follower, gid, reading, answered, unavailable, readError));
    long t1 = System.nanoTime();
    cluster.restart(follower);
    reader.start();
    cluster.awaitConverged(gid);
    long catchUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
    reading.set(false);
    reader.join(10_000);
    assertThat(readError.get()).isNull();

    LocalCluster.ApplyStats stats = cluster.stats(follower, gid);
    assertThat(stats.reloads()).as("snapshots installed").isGreaterThanOrEqualTo(1);
    assertThat(stats.reloadIndex()).isGreaterThanOrEqualTo(leaderStart - 1);
    assertThat(cluster.division(follower, gid).getRaftLog().getStartIndex())
        .isGreaterThan(followerApplied);

    Traffic.run(committer, 43, 300, 20_000); // entries after the snapshot apply normally
    cluster.awaitConverged(gid);
    assertThat(stats.firstAppliedIndex())
        .as("first entry the follower applied after its restart")
        .isGreaterThan(stats.reloadIndex())
        .isGreaterThanOrEqualTo(leaderStart);
    System.out.printf(
        "MEASURE follower catch-up: %d commands in %d entries, written in %d ms; leader log starts"
            + " at %d (follower had applied %d); caught up in %d ms with %d install(s) at %d;"
            + " stale reads during catch-up: %d answered, %d refused%n",
        after[1] - before[1],
        after[0] - before[0],
        writeMs,
        leaderStart,
        followerApplied,
        catchUpMs,
        stats.reloads(),
        stats.reloadIndex(),
        answered.get(),
        unavailable.get());
  }

  private static void readWhileInstalling(
      int server,
      RaftGroupId gid,
      AtomicBoolean reading,
      AtomicLong answered,
      AtomicLong unavailable,
      AtomicReference<Throwable> error) {
    while (reading.get()) {
      TetherStateMachine sm;
      try {
        sm = cluster.stateMachine(server, gid);
        if (cluster.stats(server, gid).reloads() > 0) {
          return; // the install is over: leave the CPU to the catch-up
        }
      } catch (RuntimeException e) {
        continue; // the group is not open on the server yet
      }
      try {
        sm.queryLocal(Commands.lookup("s-1", "s-2"));
        answered.incrementAndGet();
      } catch (TetherStateMachine.UnavailableException e) {
        unavailable.incrementAndGet();
      } catch (RuntimeException e) {
        error.compareAndSet(null, e);
      }
    }
  }

  /** A server added after the log was purged gets the state by snapshot and then keeps up. */
  @Test
  void aServerAddedAfterPurgeCatchesUpThroughASnapshot() throws IOException {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    GroupCommitter committer = cluster.committer(gid, 64, 16);
    ReplicationTest.newRing(committer, gid, 8);
    Traffic.run(committer, 51, 10_000, 5_000);
    cluster.awaitConverged(gid);
    int leader = cluster.awaitLeader(gid);
    RaftLog leaderLog = cluster.division(leader, gid).getRaftLog();
    cluster.await("the leader to purge its log", () -> leaderLog.getStartIndex() > 0);

    long t0 = System.nanoTime();
    int added = cluster.addServer(gid);
    long addMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(cluster.servers(gid)).hasSize(4).contains(added);
    cluster.awaitConverged(gid);
    long convergedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(cluster.stats(added, gid).reloads()).isGreaterThanOrEqualTo(1);

    Traffic.run(committer, 52, 1_000, 5_000);
    cluster.awaitConverged(gid);
    assertThat(Commands.view(cluster.stateMachine(added, gid)))
        .isEqualTo(Commands.view(cluster.stateMachine(leader, gid)));
    System.out.printf(
        "MEASURE add server: setConfiguration returned in %d ms, converged in %d ms, install at %d"
            + " (leader log starts at %d)%n",
        addMs, convergedMs, cluster.stats(added, gid).reloadIndex(), leaderLog.getStartIndex());
  }
}
