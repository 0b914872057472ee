package dev.tether.statemachine.ratis;

import dev.tether.statemachine.core.Limits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis settings Tether runs with, and the reasons (ratis.md): linearizable reads, bounded
 * snapshots and purging, no metadata entries, small per-group buffers for multi-raft.
 *
 * @param electionTimeoutMinMs randomized election timeout lower bound (max is twice it)
 * @param snapshotThreshold applied entries between automatic snapshots
 * @param purgeGap entries between log purges
 * @param segmentSizeBytes log segment size; only closed segments are purged
 */
public record RatisSettings(
    long electionTimeoutMinMs, long snapshotThreshold, int purgeGap, long segmentSizeBytes) {
  /** Defaults for production: 1 s elections (ratis.md section 6), snapshots every 100k entries. */
  public static final RatisSettings DEFAULT = new RatisSettings(1_000, 100_000, 1_024, 8L << 20);

  /** Shortest election timeout accepted, milliseconds (shorter ones storm on shared CPUs). */
  public static final long ELECTION_TIMEOUT_MS_MIN = 150;

  /** Longest election timeout accepted, milliseconds. */
  public static final long ELECTION_TIMEOUT_MS_MAX = 30_000;

  /** Room for Ratis's envelope around a command batch in a log entry, bytes. */
  static final int ENTRY_ENVELOPE_BYTES_MAX = 64 << 10;

  /** Largest log entry Ratis accepts: the largest command batch and its envelope, bytes. */
  public static final int ENTRY_BYTES_MAX = Limits.BATCH_BYTES_MAX + ENTRY_ENVELOPE_BYTES_MAX;

  /** Checks the fields. */
  public RatisSettings {
    if (electionTimeoutMinMs < ELECTION_TIMEOUT_MS_MIN
        || electionTimeoutMinMs > ELECTION_TIMEOUT_MS_MAX) {
      throw new IllegalArgumentException(
          "raft.election_timeout_ms is "
              + electionTimeoutMinMs
              + ", must be in ["
              + ELECTION_TIMEOUT_MS_MIN
              + ", "
              + ELECTION_TIMEOUT_MS_MAX
              + "]");
    }
    if (snapshotThreshold < 100 || snapshotThreshold > 100_000_000) {
      throw new IllegalArgumentException(
          "raft.snapshot_threshold is " + snapshotThreshold + ", must be in [100, 100000000]");
    }
    if (purgeGap < 1 || purgeGap > 1_000_000) {
      throw new IllegalArgumentException(
          "raft.purge_gap is " + purgeGap + ", must be in [1, 1000000]");
    }
    if (segmentSizeBytes < (64 << 10) || segmentSizeBytes > (1L << 30)) {
      throw new IllegalArgumentException(
          "raft.segment_size_bytes is " + segmentSizeBytes + ", must be in [65536, 1073741824]");
    }
  }

  /**
   * Server properties for a daemon storing Raft data under {@code raftDir}, listening on {@code
   * port}.
   */
  public RaftProperties serverProperties(Path raftDir, int port) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setPort(p, port);
    RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.resolve("groups").toFile()));
    RaftServerConfigKeys.setRemovedGroupsDir(p, raftDir.resolve("removed-groups").toFile());
    // Reads must go through ReadIndex; Ratis's default (DEFAULT) may read stale on a deposed
    // leader.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setTimeout(p, TimeDuration.valueOf(5, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMin(
        p, TimeDuration.valueOf(electionTimeoutMinMs, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(
        p, TimeDuration.valueOf(2 * electionTimeoutMinMs, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(
        p, TimeDuration.valueOf(Math.max(3_000, 3 * electionTimeoutMinMs), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotThreshold);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, purgeGap);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(segmentSizeBytes));
    RaftServerConfigKeys.Log.setPreallocatedSize(
        p, SizeInBytes.valueOf(Math.min(segmentSizeBytes, 4L << 20)));
    // One METADATA entry per commit-index change doubles sequential write latency (ratis.md 8).
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    // Ratis refuses a log entry above the appender's byte limit, and refuses to start a division
    // whose write buffer is smaller than that limit + 8 (SegmentedRaftLogWorker): the largest
    // entry is a full command batch, so both follow BATCH_BYTES_MAX. (A 1 MiB buffer under a
    // 4 MiB limit stopped every group from starting.)
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(ENTRY_BYTES_MAX));
    RaftServerConfigKeys.Log.setWriteBufferSize(
        p, SizeInBytes.valueOf(ENTRY_BYTES_MAX + ENTRY_ENVELOPE_BYTES_MAX));
    // After failed AppendEntries to a follower, the leader's appender sleeps before trying again;
    // Ratis's default ("1ms,10, 1s,20, 5s,1000") sleeps 5 s once 30 attempts failed, which a
    // partition of a few seconds reaches (each timed-out heartbeat counts), so a follower rejoining
    // after a heal waited up to 5 s for its first entries (chaos suite: caught up 5-7 s after the
    // heal). Short sleeps cost a few reconnect attempts a second to an unreachable follower.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    RaftServerConfigKeys.RetryCache.setExpiryTime(
        p, TimeDuration.valueOf(retryCacheExpiryMs(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Write.setElementLimit(p, 16_384);
    return p;
  }

  /**
   * The leader's sleeps between failed AppendEntries to one follower: (sleep, attempts) pairs, each
   * sleep randomised by Ratis within ±50 %. The last pair covers any partition length.
   */
  static final String APPENDER_RETRY_POLICY = "1ms,10, 100ms,100, 200ms,2000000000";

  /** Shortest a client's attempt at one request may last, ms. */
  static final long CLIENT_ATTEMPT_MS_MIN = 500;

  /** Attempts of a client at one request before it fails it. */
  static final int CLIENT_ATTEMPTS = 30;

  /** A client's sleep between two attempts at one request, ms. */
  long clientRetrySleepMs() {
    return Math.max(50, electionTimeoutMinMs / 10);
  }

  /** How long one attempt of a client may last, ms. */
  long clientAttemptMs() {
    return Math.max(CLIENT_ATTEMPT_MS_MIN, electionTimeoutMinMs);
  }

  /** How a client retries one request: {@link #CLIENT_ATTEMPTS} attempts, a fixed sleep apart. */
  public RetryPolicy clientRetryPolicy() {
    return RetryPolicies.retryUpToMaximumCountWithFixedSleep(
        CLIENT_ATTEMPTS, TimeDuration.valueOf(clientRetrySleepMs(), TimeUnit.MILLISECONDS));
  }

  /**
   * How long the servers remember a request's reply to answer a retry of it: twice the longest a
   * client retries one request (every attempt timing out), and at least Ratis's default 60 s. It
   * must outlast the client's retries, or a retried write could apply twice (ratis.md 4.4); it
   * should not be much longer, because every follower keeps every reply until it expires: with 10
   * minutes, a 10M-session bulk load left 730 MiB of replies on each follower's heap (bench scale
   * phase, heap after a full GC; the leader forgets replies its clients acknowledged).
   */
  long retryCacheExpiryMs() {
    long window = CLIENT_ATTEMPTS * (clientAttemptMs() + clientRetrySleepMs());
    return Math.max(60_000, 2 * window);
  }

  /** Client properties: bounded per-attempt timeouts (the default retry policy retries forever). */
  public RaftProperties clientProperties() {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    // One attempt lasts about an election timeout: a leader cut off (not dead: no connection
    // reset) is given up for the next peer by the time the others can have elected a new one, not
    // seconds later (the chaos suite's isolate-leader saw every majority write fail for 5 s with
    // a 3 s attempt). A retried write is deduplicated by the servers' retry cache.
    RaftClientConfigKeys.Rpc.setRequestTimeout(
        p, TimeDuration.valueOf(clientAttemptMs(), TimeUnit.MILLISECONDS));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, 1_000);
    return p;
  }
}
