package dev.tether.daemon.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.daemon.testing.LocalRegion;
import dev.tether.proto.internal.CatalogQuery;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linearizable reads and lease renewals are confirmed by committing a probe entry submitted after
 * they began: a leader confirms its leadership only with a majority, concurrent callers share few
 * entries, and a follower's read sees every write acknowledged before it without waiting for the
 * leader's next heartbeat.
 */
class LinearizableReadTest {
  /** Election timeout of the test region: Ratis heartbeats every half of it, 1.5 s. */
  private static final String ELECTION_MS = "3000";

  @TempDir Path tmp;

  @Test
  void probesConfirmLeadershipOnlyWithAMajorityAndFollowerReadsDoNotWaitForAHeartbeat()
      throws Exception {
    try (LocalRegion region =
        LocalRegion.start(tmp, 3, 17720, Map.of("timeouts.election_ms", ELECTION_MS))) {
      int[] leader = new int[1];
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (int i = 1; i <= 3; i++) {
                  if (region.daemon(i).region().regionGroup().isLeader()) {
                    leader[0] = i;
                    return true;
                  }
                }
                return false;
              });
      GroupHandle group = region.daemon(leader[0]).region().regionGroup();
      int f1 = leader[0] % 3 + 1;
      int f2 = f1 % 3 + 1;
      GroupHandle follower = region.daemon(f1).region().regionGroup();

      // Renewals are made by leaders; a follower has nothing to prove.
      assertThat(follower.confirmLeadership()).isCompleted();

      // Wait for the start-up writes (daemon registrations) to be over.
      long[] last = {-1};
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                long now = group.appliedIndex();
                boolean still = now == last[0];
                last[0] = now;
                return still;
              });
      long appliedBefore = group.appliedIndex();
      List<CompletableFuture<Void>> renewals = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        renewals.add(group.confirmLeadership());
      }
      CompletableFuture.allOf(renewals.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      // One probe in flight and one queued serve all 200: two entries at most.
      assertThat(group.appliedIndex() - appliedBefore).isBetween(1L, 2L);

      // A follower read right after a commit: it sees the commit (the leader acknowledged it
      // before the read began), and it does not wait for the next heartbeat (1.5 s away) to learn
      // that its probe committed. Ten such reads through Ratis's follower ReadIndex took about a
      // heartbeat each.
      Query catalog = Query.newBuilder().setCatalog(CatalogQuery.getDefaultInstance()).build();
      long started = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        group.probe().get(10, TimeUnit.SECONDS);
        long acknowledged = group.appliedIndex();
        QueryResult r = follower.readLinearizable(catalog).get(10, TimeUnit.SECONDS);
        assertThat(r.getAppliedIndex()).isGreaterThan(acknowledged);
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(tookMs).as("ten follower reads, ms").isLessThan(4_000);

      region.stop(f1);
      region.stop(f2);
      CompletableFuture<Void> alone = group.confirmLeadership();
      CompletableFuture<QueryResult> read = group.readLinearizable(catalog);
      // A sleep, not an await: the claim is that nothing happens for a while (well past a commit).
      Thread.sleep(2_000);
      assertThat(alone).as("a leader without a majority confirms nothing").isNotDone();
      assertThat(read).as("a leader without a majority reads nothing").isNotDone();

      // Its probe may commit once a majority is back, or fail when the Ratis client gives up; it
      // never succeeds while the leader is alone.
      region.start(f1);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () -> {
                group.confirmLeadership().get(10, TimeUnit.SECONDS);
                return true;
              });
    }
  }
}
