package dev.tether.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.CreateRingRequest;
import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.LookupRequest;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.SessionServiceGrpc;
import dev.tether.api.v1.StatusRequest;
import dev.tether.daemon.testing.LocalRegion;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three daemons in one JVM: a ring is created, nodes join, sessions open and every daemon agrees.
 */
class SmokeTest {
  @TempDir Path tmp;

  @Test
  void aRegionServesOwners() throws Exception {
    try (LocalRegion region =
        LocalRegion.start(tmp, 3, 17400, Map.of("timeouts.election_ms", "300"))) {
      ManagedChannel[] channels = new ManagedChannel[3];
      for (int i = 0; i < 3; i++) {
        channels[i] =
            NettyChannelBuilder.forTarget(region.apiAddresses().get(i)).usePlaintext().build();
      }
      try {
        var admin = AdminServiceGrpc.newBlockingStub(channels[0]);
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    !admin
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .status(StatusRequest.getDefaultInstance())
                        .getGroups(0)
                        .getLeader()
                        .isEmpty());
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> {
                  admin
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .createRing(CreateRingRequest.newBuilder().setName("default").build());
                  return true;
                });
        var members =
            MembershipServiceGrpc.newBlockingStub(channels[1])
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        for (int n = 1; n <= 3; n++) {
          members.join(
              JoinRequest.newBuilder()
                  .setRing("default")
                  .setNodeId("n" + n)
                  .setAddress("10.0.0." + n + ":80")
                  .build());
        }
        var sessions =
            SessionServiceGrpc.newBlockingStub(channels[2]).withDeadlineAfter(10, TimeUnit.SECONDS);
        var opened =
            sessions.open(OpenRequest.newBuilder().setRing("default").setSessionId("s1").build());
        assertThat(opened.getCreated()).isTrue();
        System.err.println("TEST opened " + opened);
        for (ManagedChannel c : channels) {
          System.err.println(
              "TEST status "
                  + AdminServiceGrpc.newBlockingStub(c).status(StatusRequest.getDefaultInstance()));
          var stale =
              OwnerServiceGrpc.newBlockingStub(c)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .lookup(
                      LookupRequest.newBuilder()
                          .setRing("default")
                          .setSessionId("s1")
                          .setConsistency(Consistency.CONSISTENCY_STALE)
                          .build());
          System.err.println("TEST stale " + stale);
          dev.tether.api.v1.OwnerAnswer answer;
          try {
            answer =
                OwnerServiceGrpc.newBlockingStub(c)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .lookup(
                        LookupRequest.newBuilder()
                            .setRing("default")
                            .setSessionId("s1")
                            .setConsistency(Consistency.CONSISTENCY_LINEARIZABLE)
                            .build())
                    .getAnswer();
          } catch (RuntimeException e) {
            StringBuilder dump = new StringBuilder("TEST DUMP " + e + "\n");
            for (var t : Thread.getAllStackTraces().entrySet()) {
              dump.append(t.getKey().getName())
                  .append(" ")
                  .append(t.getKey().getState())
                  .append("\n");
              for (var f : t.getValue()) {
                dump.append("    at ").append(f).append("\n");
              }
            }
            System.err.println(dump);
            throw e;
          }
          assertThat(answer.getAuthoritative()).isTrue();
          assertThat(answer.getOwner().getId()).isEqualTo(opened.getSession().getOwner().getId());
          assertThat(answer.getFencingToken()).isEqualTo(opened.getSession().getFencingToken());
        }
      } finally {
        for (ManagedChannel c : channels) {
          c.shutdownNow();
        }
      }
    }
  }
}
