package dev.tether.daemon;

import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.CreateRingRequest;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.SessionServiceGrpc;
import dev.tether.api.v1.StatusRequest;
import dev.tether.daemon.testing.LocalRegion;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** gRPC stubs to each daemon of a {@link LocalRegion}, for tests. */
final class Stubs implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();

  Stubs(LocalRegion region) {
    for (String address : region.apiAddresses()) {
      channels.add(NettyChannelBuilder.forTarget(address).usePlaintext().build());
    }
  }

  OwnerServiceGrpc.OwnerServiceBlockingStub owner(int daemon) {
    return OwnerServiceGrpc.newBlockingStub(channels.get(daemon - 1))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  OwnerServiceGrpc.OwnerServiceStub ownerAsync(int daemon) {
    return OwnerServiceGrpc.newStub(channels.get(daemon - 1));
  }

  MembershipServiceGrpc.MembershipServiceBlockingStub members(int daemon) {
    return MembershipServiceGrpc.newBlockingStub(channels.get(daemon - 1))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  MembershipServiceGrpc.MembershipServiceStub membersAsync(int daemon) {
    return MembershipServiceGrpc.newStub(channels.get(daemon - 1));
  }

  SessionServiceGrpc.SessionServiceBlockingStub sessions(int daemon) {
    return SessionServiceGrpc.newBlockingStub(channels.get(daemon - 1))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  AdminServiceGrpc.AdminServiceBlockingStub admin(int daemon) {
    return AdminServiceGrpc.newBlockingStub(channels.get(daemon - 1))
        .withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  /**
   * Waits for the region group to elect a leader, then creates a ring (retrying while it starts).
   */
  void createRing(String name, Policy policy) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                !admin(1)
                    .status(StatusRequest.getDefaultInstance())
                    .getGroups(0)
                    .getLeader()
                    .isEmpty());
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              try {
                admin(1)
                    .createRing(
                        CreateRingRequest.newBuilder().setName(name).setPolicy(policy).build());
              } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.ALREADY_EXISTS) {
                  throw e;
                }
              }
              return true;
            });
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }
}
