package dev.tether.daemon.api;

import dev.tether.api.v1.InternalServiceGrpc;
import dev.tether.api.v1.RenewRequest;
import dev.tether.api.v1.RenewResponse;
import dev.tether.daemon.ring.LeaderDuties;
import dev.tether.daemon.ring.Region;
import dev.tether.daemon.ring.RingRuntime;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renews a node's lease with the ring group's leader, which alone tracks leases: locally when this
 * daemon leads, otherwise by forwarding to the leader daemon's InternalService.
 */
final class LeaseForwarder implements AutoCloseable {
  /** How long a forwarded renewal may take. */
  static final long FORWARD_TIMEOUT_MS = 1_000;

  private final Region region;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  LeaseForwarder(Region region) {
    this.region = region;
  }

  LeaderDuties.Renewal renew(RingRuntime ring, String nodeId) {
    if (ring.group().isLeader() || !forwardingNeeded(ring)) {
      return ring.duties().renew(nodeId);
    }
    Optional<String> leader = ring.group().leader();
    if (leader.isEmpty()) {
      return new LeaderDuties.Renewal(
          false, 0, "ring " + ring.name() + " has no leader in reach of this daemon");
    }
    Optional<String> address = region.directory().get(leader.get()).map(d -> d.getApiAddress());
    if (address.isEmpty()) {
      return new LeaderDuties.Renewal(false, 0, "no address for leader daemon " + leader.get());
    }
    try {
      RenewResponse r =
          InternalServiceGrpc.newBlockingStub(channel(address.get()))
              .withDeadlineAfter(FORWARD_TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .renew(RenewRequest.newBuilder().setRing(ring.name()).setNodeId(nodeId).build());
      return new LeaderDuties.Renewal(r.getRenewed(), r.getLeaseTtlMs(), r.getReason());
    } catch (RuntimeException e) {
      return new LeaderDuties.Renewal(
          false, 0, "leader " + leader.get() + " unreachable: " + e.getMessage());
    }
  }

  /** With the planted lessor bug every daemon renews locally, as if it led. */
  private boolean forwardingNeeded(RingRuntime ring) {
    return !region.config().has(dev.tether.daemon.config.PlantedBug.LESSOR_IGNORES_LEADERSHIP)
        || ring.group().isLeader();
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(
        address, a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow();
    }
  }
}
