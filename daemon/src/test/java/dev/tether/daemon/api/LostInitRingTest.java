package dev.tether.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.daemon.testing.LocalRegion;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CreateRing;
import dev.tether.proto.internal.RingMeta;
import dev.tether.statemachine.core.RingCore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ring whose catalog entry committed but whose InitRing never did (the creator timed out, as the
 * chaos suite saw on a loaded machine) is initialised by its group's leader from the catalog,
 * instead of refusing every call with "ring group is not initialised" forever.
 */
class LostInitRingTest {
  @TempDir Path tmp;

  @Test
  void theRingLeaderInitialisesARingWhoseInitRingWasLost() throws Exception {
    try (LocalRegion region = LocalRegion.start(tmp, 3, 17640, Map.of("duties.tick_ms", "50"))) {
      var r = region.daemon(1).region();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> r.regionGroup().leader().isPresent());
      // Only the catalog entry, as when CreateRing's second step (InitRing) timed out.
      Command create =
          Command.newBuilder()
              .setCreateRing(
                  CreateRing.newBuilder()
                      .setName("lost")
                      .setGroupId(UUID.randomUUID().toString())
                      .setPolicy(Mapping.defaults())
                      .addAllPeers(r.regionPeers()))
              .build();
      r.regionGroup().committer().submit(create).get(30, TimeUnit.SECONDS);

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (int i = 1; i <= region.size(); i++) {
                  var ring = region.daemon(i).region().ring("lost");
                  assertThat(ring).isPresent();
                  RingMeta meta =
                      ring.get().group().stateMachine().read(core -> ((RingCore) core).meta());
                  assertThat(meta).isNotNull();
                }
              });
    }
  }
}
