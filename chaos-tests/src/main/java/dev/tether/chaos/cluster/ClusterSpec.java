package dev.tether.chaos.cluster;

import java.util.List;

/**
 * How the daemons under test are configured.
 *
 * @param daemons 3 or 5
 * @param electionMs Raft election timeout lower bound (timeouts.election_ms)
 * @param requestMs default API deadline (timeouts.request_ms)
 * @param snapshotThreshold raft.snapshot_threshold
 * @param purgeGap raft.purge_gap
 * @param segmentBytes raft.segment_size_bytes
 * @param tickMs duties.tick_ms
 * @param plantedBugs testing.planted_bugs labels (test-only known bugs)
 * @param heapMb -Xmx of each daemon JVM
 */
public record ClusterSpec(
    int daemons,
    long electionMs,
    long requestMs,
    long snapshotThreshold,
    long purgeGap,
    long segmentBytes,
    long tickMs,
    List<String> plantedBugs,
    int heapMb) {

  /**
   * Defaults for the chaos suite: elections from 300 ms (a failover well within 1.5 s, yet no
   * election storms on a shared 2-core machine), snapshots every 400 entries in 64 KiB segments so
   * that lagging followers get snapshots installed within a run.
   */
  public static ClusterSpec defaults(int daemons, List<String> plantedBugs) {
    return new ClusterSpec(daemons, 300, 2_000, 400, 64, 64L << 10, 50, plantedBugs, 256);
  }

  /** The YAML config of daemon {@code i} given every daemon's addresses. */
  String yaml(dev.tether.chaos.net.Network net, int i, java.nio.file.Path dataDir) {
    StringBuilder b = new StringBuilder();
    var self = net.address(i);
    b.append("id: ").append(self.id()).append('\n');
    b.append("region: chaos\n");
    b.append("data_dir: ").append(dataDir.toAbsolutePath()).append('\n');
    b.append("raft_address: ").append(self.raft()).append('\n');
    b.append("api_address: ").append(self.api()).append('\n');
    b.append("http_address: ").append(self.http()).append('\n');
    b.append("timeouts:\n  election_ms: ").append(electionMs);
    b.append("\n  request_ms: ").append(requestMs).append('\n');
    b.append("raft:\n  snapshot_threshold: ").append(snapshotThreshold);
    b.append("\n  purge_gap: ").append(purgeGap);
    b.append("\n  segment_size_bytes: ").append(segmentBytes).append('\n');
    b.append("duties:\n  tick_ms: ").append(tickMs).append('\n');
    if (!plantedBugs.isEmpty()) {
      b.append("testing:\n  planted_bugs: [").append(String.join(", ", plantedBugs)).append("]\n");
    }
    b.append("peers:\n");
    for (int p = 1; p <= daemons; p++) {
      var a = net.address(p);
      b.append("  - id: ").append(a.id()).append('\n');
      b.append("    raft_address: ").append(a.raft()).append('\n');
      b.append("    api_address: ").append(a.api()).append('\n');
      b.append("    http_address: ").append(a.http()).append('\n');
    }
    return b.toString();
  }
}
