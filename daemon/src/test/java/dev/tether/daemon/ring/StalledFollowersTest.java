package dev.tether.daemon.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.daemon.testing.LocalRegion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader reconnects a follower that lags behind the commit index and neither acknowledges nor
 * answers anything for a stall period, once per period, and leaves followers that keep up alone.
 * (The TCP stall this guards against needs a packet-dropping partition; the chaos suite's
 * random-halves makes one. Here a stopped follower lags the same way as far as the leader can
 * tell.)
 */
class StalledFollowersTest {
  @TempDir Path tmp;

  private static final long MS = 1_000_000L;

  @Test
  void aLaggingSilentFollowerIsReconnectedOncePerStallPeriodAndOthersAreLeftAlone()
      throws Exception {
    try (LocalRegion region = LocalRegion.start(tmp, 3, 17660, Map.of())) {
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
      int victim = leader[0] % 3 + 1;
      int healthy = victim % 3 + 1;
      String victimId = region.config(victim).id();
      String healthyId = region.config(healthy).id();
      commit(group);
      // Wait for the start-up writes (daemon registrations) to be over: a follower a moment behind
      // an entry in flight would look stalled at the made-up times below.
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
      StalledFollowers stalled = new StalledFollowers(300);
      // Followers that have every committed entry are never reset, however long they are idle.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stalled.check(group, System.nanoTime()).isEmpty());
      long t = System.nanoTime();
      assertThat(stalled.check(group, t + 1_000 * MS)).isEmpty();

      region.stop(victim);
      commit(group); // a majority (the leader and the healthy follower) commits without the victim
      Thread.sleep(400); // the victim is silent for longer than a stall period
      t += 1_000 * MS;
      assertThat(stalled.check(group, t + 100 * MS)).as("behind, but not for long").isEmpty();
      assertThat(stalled.check(group, t + 300 * MS)).containsExactly(victimId);
      assertThat(stalled.check(group, t + 400 * MS)).as("once per stall period").isEmpty();
      List<String> again = stalled.check(group, t + 600 * MS);
      assertThat(again).containsExactly(victimId).doesNotContain(healthyId);

      region.start(victim);
      GroupHandle back = region.daemon(victim).region().regionGroup();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> back.appliedIndex() >= group.appliedIndex());
      commit(group);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stalled.check(group, System.nanoTime()).isEmpty());
      assertThat(stalled.check(group, System.nanoTime() + 10_000 * MS))
          .as("caught up again: left alone")
          .isEmpty();
    }
  }

  private static void commit(GroupHandle group) throws Exception {
    group.committer().submitAlone(List.of()).get(30, TimeUnit.SECONDS);
  }
}
