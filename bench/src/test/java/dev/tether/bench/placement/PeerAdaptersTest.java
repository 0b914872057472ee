package dev.tether.bench.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.KetamaNodeLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapters use the peers as published: ketama owners equal {@code getPrimary}, jump owners
 * equal Guava's function, and ids are hashed the same from memory and from a file.
 */
class PeerAdaptersTest {
  @Test
  void ketamaOwnerFromPrecomputedHashIsGetPrimary() {
    KetamaLayout layout = KetamaLayout.build(37, null);
    KetamaNodeLocator locator = layout.locator();
    SplittableRandom random = new SplittableRandom(7);
    for (int k = 0; k < 5000; k++) {
      String id = SessionIds.randomUuid(random);
      long hash = DefaultHashAlgorithm.KETAMA_HASH.hash(id);
      assertThat(KetamaLayout.nodeForKey(locator, hash))
          .as("id %s", id)
          .isSameAs(locator.getPrimary(id));
      assertThat(SessionIds.ketamaHash(id) & 0xFFFF_FFFFL).isEqualTo(hash);
    }
  }

  @Test
  void weightedKetamaGivesHeavierNodesMorePoints() {
    int[] weights = {1, 1, 4, 4};
    double[] shares = KetamaLayout.build(4, weights).shares(4).share();
    assertThat(shares[2] + shares[3]).isGreaterThan(3 * (shares[0] + shares[1]));
  }

  @Test
  void guavaJumpLayoutIsConsistentHash() {
    SessionIds ids = SessionIds.random(1000, 3, false);
    JumpLayout layout = JumpLayout.build(JumpLayout.GUAVA, 13);
    for (int k = 0; k < ids.size(); k++) {
      assertThat(layout.owner(ids, k)).isEqualTo(Hashing.consistentHash(ids.xxh3(k), 13));
    }
  }

  @Test
  void idsFileHashesLikeGeneratedIds(@TempDir Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < 100; k++) {
      text.append(SessionIds.randomUuid(random)).append('\n');
    }
    Path file = dir.resolve("ids.txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    SessionIds fromFile = SessionIds.read(file, true);
    SessionIds generated = SessionIds.random(100, 11, true);
    assertThat(fromFile.size()).isEqualTo(100);
    for (int k = 0; k < 100; k++) {
      assertThat(fromFile.xxh3(k)).isEqualTo(generated.xxh3(k));
      assertThat(fromFile.ketama(k)).isEqualTo(generated.ketama(k));
    }
  }

  @Test
  void idsFileErrorsNameTheLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ids.txt");
    Files.writeString(file, "a\nb\n" + "x".repeat(257) + "\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SessionIds.read(file, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("SESSION_ID_BYTES_MAX");
    Files.writeString(file, "a\n\nc\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SessionIds.read(file, false)).hasMessageContaining("line 2");
    Files.writeString(file, "", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SessionIds.read(file, false)).hasMessageContaining("no session id");
  }

  @Test
  void noiseFloorIsDeterministicAndWeightAware() {
    int[] equal = new int[50];
    java.util.Arrays.fill(equal, 1);
    int[] skewed = equal.clone();
    skewed[0] = 16;
    double a = NoiseFloor.monteCarlo(equal, 100_000, 5, 20);
    assertThat(NoiseFloor.monteCarlo(equal, 100_000, 5, 20)).isEqualTo(a);
    assertThat(a).isBetween(1.02, NoiseFloor.approximate(50, 100_000) + 0.01);
    // Lighter nodes hold fewer expected keys, so their relative noise is larger.
    assertThat(NoiseFloor.monteCarlo(skewed, 100_000, 5, 20)).isGreaterThan(a);
  }
}
