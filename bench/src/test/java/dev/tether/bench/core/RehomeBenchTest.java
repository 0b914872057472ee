package dev.tether.bench.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rehome benchmark times what it says: the failed node's share of the sessions (a third of them
 * with three nodes, give or take the hash) is moved, in entries of the given batch size, until none
 * is left, on either store.
 */
class RehomeBenchTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"memory", "rocksdb"})
  void everySessionOfTheFailedNodeIsMovedInBatches(String store) throws Exception {
    RehomeBench.Trial t = RehomeBench.run(tmp.resolve(store), store, 1, 3_000, 250, 3);
    assertThat(t.moved()).isBetween(700L, 1_300L);
    assertThat(t.entries()).isEqualTo((int) ((t.moved() + 249) / 250));
    assertThat(t.seconds()).isPositive();
  }
}
