package dev.tether.statemachine.core;

import dev.tether.statemachine.store.RocksDbStore;
import dev.tether.statemachine.store.Store;
import java.io.IOException;
import java.nio.file.Path;

/** The core contract on RocksDB. */
class RocksDbStoreCoreTest extends CoreContractTest {
  @Override
  Store newStore(Path dir) throws IOException {
    return RocksDbStore.open(dir);
  }

  @Override
  Store restore(Path checkpoint) throws IOException {
    return RocksDbStore.open(checkpoint);
  }
}
