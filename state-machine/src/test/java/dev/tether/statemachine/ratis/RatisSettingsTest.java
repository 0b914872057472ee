package dev.tether.statemachine.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.statemachine.core.Limits;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** The server properties satisfy Ratis's own start-up checks and carry the largest batch. */
class RatisSettingsTest {
  @Test
  void logBuffersHoldTheLargestBatch() {
    RaftProperties p = RatisSettings.DEFAULT.serverProperties(Path.of("/tmp/unused"), 0);
    long entryLimit = RaftServerConfigKeys.Log.Appender.bufferByteLimit(p).getSize();
    long writeBuffer = RaftServerConfigKeys.Log.writeBufferSize(p).getSize();
    assertThat(entryLimit).isGreaterThan(Limits.BATCH_BYTES_MAX);
    // SegmentedRaftLogWorker refuses to start below this.
    assertThat(writeBuffer).isGreaterThanOrEqualTo(entryLimit + 8);
  }

  @Test
  void readsAreLinearizableAndTheLogIsCompacted() {
    RaftProperties p = RatisSettings.DEFAULT.serverProperties(Path.of("/tmp/unused"), 0);
    assertThat(RaftServerConfigKeys.Read.option(p))
        .isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    assertThat(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(p)).isTrue();
    assertThat(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(p)).isTrue();
  }

  /**
   * Whatever the number of failed attempts (a long partition counts each timed-out heartbeat), the
   * leader's appender sleeps at most 300 ms before trying a follower again, so a follower that
   * rejoins after a heal gets its entries at once. Parsed and evaluated by Ratis itself; its
   * default reaches 5 s after 30 failures.
   */
  @Test
  void theLeaderTriesAnUnreachableFollowerAgainWithinAFewHundredMs() {
    RaftProperties p = RatisSettings.DEFAULT.serverProperties(Path.of("/tmp/unused"), 0);
    String spec = RaftServerConfigKeys.Log.Appender.retryPolicy(p);
    assertThat(spec).isEqualTo(RatisSettings.APPENDER_RETRY_POLICY);
    RetryPolicy policy = RetryPolicy.parse(spec, "test");
    long longest = 0;
    for (int failures : new int[] {1, 10, 11, 30, 31, 110, 111, 1_000, 100_000, 1_999_999_999}) {
      for (int sample = 0; sample < 20; sample++) { // the sleep is randomised
        RetryPolicy.Action a = policy.handleAttemptFailure(() -> failures);
        assertThat(a.shouldRetry()).as("retry after %d failures", failures).isTrue();
        longest = Math.max(longest, a.getSleepTime().toLong(TimeUnit.MILLISECONDS));
      }
    }
    assertThat(longest).isBetween(100L, 300L);
    RetryPolicy ratisDefault =
        RetryPolicy.parse(RaftServerConfigKeys.Log.Appender.RETRY_POLICY_DEFAULT, "default");
    assertThat(
            ratisDefault
                .handleAttemptFailure(() -> 31)
                .getSleepTime()
                .toLong(TimeUnit.MILLISECONDS))
        .isGreaterThan(2_000);
  }

  @Test
  void boundsAreCheckedWithOneMessageEach() {
    assertThatThrownBy(() -> new RatisSettings(50, 1_000, 10, 1 << 20))
        .hasMessage("raft.election_timeout_ms is 50, must be in [150, 30000]");
    assertThatThrownBy(() -> new RatisSettings(300, 10, 10, 1 << 20))
        .hasMessage("raft.snapshot_threshold is 10, must be in [100, 100000000]");
  }

  /**
   * The servers remember replies longer than a client can retry one request, even when every
   * attempt times out, so a retried write is never applied twice; but minutes, not ten, so that a
   * follower's heap does not hold every reply of a long write load. Evaluated with Ratis's policy.
   */
  @Test
  void repliesAreRememberedLongerThanAClientRetriesButNotTenMinutes() {
    for (long election : new long[] {150, 300, 1_000, 5_000}) {
      RatisSettings s = new RatisSettings(election, 100_000, 1_024, 8L << 20);
      RetryPolicy policy = s.clientRetryPolicy();
      long attemptMs =
          RaftClientConfigKeys.Rpc.requestTimeout(s.clientProperties())
              .toLong(TimeUnit.MILLISECONDS);
      long window = 0;
      int failures = 1;
      for (RetryPolicy.Action a = policy.handleAttemptFailure(() -> 1);
          a.shouldRetry();
          a = policy.handleAttemptFailure(attempts(++failures))) {
        window += attemptMs + a.getSleepTime().toLong(TimeUnit.MILLISECONDS);
      }
      window += attemptMs; // the last attempt
      long expiry =
          RaftServerConfigKeys.RetryCache.expiryTime(s.serverProperties(Path.of("/tmp/unused"), 0))
              .toLong(TimeUnit.MILLISECONDS);
      assertThat(expiry).as("expiry at %d ms elections", election).isGreaterThan(window);
      if (election <= 1_000) {
        assertThat(expiry).isLessThanOrEqualTo(120_000);
      }
    }
  }

  private static RetryPolicy.Event attempts(int n) {
    return () -> n;
  }
}
