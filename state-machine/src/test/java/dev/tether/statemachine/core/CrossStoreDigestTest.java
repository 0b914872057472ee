package dev.tether.statemachine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.proto.internal.CommandBatch;
import dev.tether.statemachine.store.MemoryStore;
import dev.tether.statemachine.store.RocksDbStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same log on the in-memory store and on RocksDB gives the same digest: stores are
 * interchangeable.
 */
class CrossStoreDigestTest {
  @TempDir Path tmp;

  @Test
  void memoryAndRocksDbAgree() throws IOException {
    try (MemoryStore memory = new MemoryStore();
        RocksDbStore rocks = RocksDbStore.open(tmp.resolve("db"))) {
      List<CommandBatch> log = CoreContractTest.generate(memory, 99, 20_000);
      CoreContractTest.replay(rocks, log, 0, log.size());
      assertThat(rocks.digest()).isEqualTo(memory.digest());
      assertThat(rocks.appliedIndex()).isEqualTo(log.size());
    }
  }
}
