package dev.tether.statemachine.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.statemachine.core.Limits;
import java.nio.file.Path;
import org.apache.ratis.conf.RaftProperties;
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

  @Test
  void boundsAreCheckedWithOneMessageEach() {
    assertThatThrownBy(() -> new RatisSettings(50, 1_000, 10, 1 << 20))
        .hasMessage("raft.election_timeout_ms is 50, must be in [150, 30000]");
    assertThatThrownBy(() -> new RatisSettings(300, 10, 10, 1 << 20))
        .hasMessage("raft.snapshot_threshold is 10, must be in [100, 100000000]");
  }
}
