package dev.tether.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.api.v1.AddDaemonRequest;
import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.LookupRequest;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OwnerAnswer;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.Policy;
import dev.tether.daemon.ring.GroupHandle;
import dev.tether.daemon.ring.Region;
import dev.tether.daemon.testing.LocalRegion;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AddDaemon grows a region with a ring: the new daemon joins the region group and every ring group
 * and then answers authoritatively. It also succeeds when the new daemon already started a ring
 * group by itself (its reconciler does so as soon as it applies the region catalog), which failed
 * with "group already exists in the map" in the benchmark's scale phase.
 */
class AddDaemonTest {
  @TempDir Path tmp;

  @Test
  void aFourthDaemonJoinsEveryGroupEvenIfItStartedTheRingGroupItself() throws Exception {
    try (LocalRegion region = LocalRegion.start(tmp, 3, 17680, Map.of("duties.tick_ms", "50"));
        Stubs rpc = new Stubs(region)) {
      rpc.createRing("grow", Policy.newBuilder().build());
      rpc.members(1)
          .join(
              dev.tether.api.v1.JoinRequest.newBuilder()
                  .setRing("grow")
                  .setNodeId("n1")
                  .setAddress("10.0.0.1:80")
                  .build());
      Map<String, String> owners = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        var r =
            rpc.sessions(1)
                .open(OpenRequest.newBuilder().setRing("grow").setSessionId("s-" + i).build());
        owners.put("s-" + i, r.getSession().getOwner().getId());
      }

      try (Daemon d4 = region.startJoining(4)) {
        Region r1 = region.daemon(1).region();
        GroupHandle ring = r1.ring("grow").orElseThrow().group();
        RaftPeer peer =
            Region.peer(
                dev.tether.proto.internal.DaemonRecord.newBuilder()
                    .setId("d4")
                    .setRaftAddress(d4.config().raftAddress().toString())
                    .build());
        // What d4's reconciler may do before AddDaemon reaches the ring group: start it itself.
        try (RaftClient direct = r1.clientFor(ring.groupId(), peer)) {
          assertThat(
                  direct
                      .getGroupManagementApi(peer.getId())
                      .add(RaftGroup.valueOf(ring.groupId()))
                      .isSuccess())
              .isTrue();
        }

        var added =
            rpc.admin(2)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .addDaemon(
                    AddDaemonRequest.newBuilder()
                        .setId("d4")
                        .setRaftAddress(d4.config().raftAddress().toString())
                        .setApiAddress(d4.config().apiAddress().toString())
                        .setHttpAddress(d4.config().httpAddress().toString())
                        .build());
        assertThat(added.getDaemonsList()).extracting(d -> d.getId()).contains("d4");
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    ring.division().orElseThrow().getGroup().getPeers().stream()
                        .anyMatch(p -> p.getId().toString().equals("d4")));

        ManagedChannel ch =
            NettyChannelBuilder.forTarget(d4.config().apiAddress().toString())
                .usePlaintext()
                .build();
        try {
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .untilAsserted(
                  () -> {
                    for (Map.Entry<String, String> e : owners.entrySet()) {
                      OwnerAnswer a =
                          OwnerServiceGrpc.newBlockingStub(ch)
                              .withDeadlineAfter(5, TimeUnit.SECONDS)
                              .lookup(
                                  LookupRequest.newBuilder()
                                      .setRing("grow")
                                      .setSessionId(e.getKey())
                                      .setConsistency(Consistency.CONSISTENCY_LINEARIZABLE)
                                      .build())
                              .getAnswer();
                      assertThat(a.getAuthoritative()).isTrue();
                      assertThat(a.getOwner().getId()).isEqualTo(e.getValue());
                    }
                  });
        } finally {
          ch.shutdownNow();
        }
      }
    }
  }
}
