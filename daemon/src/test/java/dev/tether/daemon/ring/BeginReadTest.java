package dev.tether.daemon.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.daemon.testing.LocalRegion;
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
 * A leader confirms a linearizable read (or a lease renewal) only by committing an entry submitted
 * after the read began: with a majority it does so at once and for many concurrent reads with few
 * entries; alone it never does, however recently its followers answered.
 */
class BeginReadTest {
  @TempDir Path tmp;

  @Test
  void aLeaderConfirmsReadsOnlyWithAMajorityAndConcurrentReadsShareProbes() throws Exception {
    try (LocalRegion region = LocalRegion.start(tmp, 3, 17720, Map.of())) {
      int[] leader = new int[1];
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
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

      // A follower's read is confirmed by the leader it asks: nothing to prove here.
      assertThat(region.daemon(f1).region().regionGroup().beginRead()).isCompleted();

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
      List<CompletableFuture<Void>> reads = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        reads.add(group.beginRead());
      }
      CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      // One probe in flight and one queued serve all 200 reads: two entries at most.
      assertThat(group.appliedIndex() - appliedBefore).isBetween(1L, 2L);

      region.stop(f1);
      region.stop(f2);
      CompletableFuture<Void> alone = group.beginRead();
      // A sleep, not an await: the claim is that nothing happens for a while (well past a commit).
      Thread.sleep(2_000);
      assertThat(alone).as("a leader without a majority confirms nothing").isNotDone();

      // Its probe may commit once a majority is back, or fail when the Ratis client gives up; it
      // never succeeds while the leader is alone.
      region.start(f1);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () -> {
                group.beginRead().get(10, TimeUnit.SECONDS);
                return true;
              });
    }
  }
}
