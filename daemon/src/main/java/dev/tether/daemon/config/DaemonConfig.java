package dev.tether.daemon.config;

import dev.tether.statemachine.ratis.RatisSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A daemon's validated configuration (docs/operations.md lists every key, default and limit). Built
 * by {@link ConfigLoader}, which checks every rule and reports all violations at once.
 *
 * @param id this daemon's id
 * @param region the region's name
 * @param dataDir where Raft logs, snapshots and RocksDB live
 * @param raftAddress Raft (Ratis gRPC) listen and advertised address
 * @param apiAddress public gRPC API listen and advertised address
 * @param httpAddress metrics and health HTTP listen address
 * @param join true to start empty and wait to be added with AddDaemon; false to bootstrap with
 *     {@code peers} (or recover existing state)
 * @param peers every daemon of the region at bootstrap, this one included
 */
public record DaemonConfig(
    String id,
    String region,
    Path dataDir,
    HostPort raftAddress,
    HostPort apiAddress,
    HostPort httpAddress,
    boolean join,
    List<Peer> peers,
    Timeouts timeouts,
    RatisSettings raft,
    GroupCommit groupCommit,
    Reads reads,
    Duties duties,
    Api api,
    Set<PlantedBug> plantedBugs) {

  /** A daemon of the region. */
  public record Peer(String id, HostPort raftAddress, HostPort apiAddress, HostPort httpAddress) {}

  /**
   * @param electionMs Raft election timeout lower bound, ms (upper bound is twice it)
   * @param requestMs default deadline of an API call that sets none, ms
   */
  public record Timeouts(long electionMs, long requestMs) {}

  /**
   * @param maxCommands commands per log entry (1 disables group commit)
   * @param maxInFlight log entries in flight per ring
   */
  public record GroupCommit(int maxCommands, int maxInFlight) {}

  /**
   * @param batchMax lookups combined into one ReadIndex round
   * @param inFlightMax ReadIndex rounds in flight per ring
   */
  public record Reads(int batchMax, int inFlightMax) {}

  /**
   * @param tickMs period of leader duties
   * @param rehomeBatch sessions moved per Rehome entry for DOWN nodes
   * @param expiryScanPerTick sessions scanned for idleness per tick
   */
  public record Duties(long tickMs, int rehomeBatch, int expiryScanPerTick) {}

  /**
   * @param maxInboundBytes largest gRPC request
   * @param watchersMax concurrent WatchRing and WatchSessions streams
   * @param keepaliveStreamsMax concurrent KeepAlive streams
   */
  public record Api(int maxInboundBytes, int watchersMax, int keepaliveStreamsMax) {}

  /** This daemon as a peer. */
  public Peer self() {
    return new Peer(id, raftAddress, apiAddress, httpAddress);
  }

  /** True when the planted bug is on (test-only). */
  public boolean has(PlantedBug bug) {
    return plantedBugs.contains(bug);
  }
}
