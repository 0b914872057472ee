package dev.tether.statemachine.core;

import dev.tether.statemachine.store.MemoryStore;
import dev.tether.statemachine.store.Store;
import java.io.IOException;
import java.nio.file.Path;

/** The core contract on the in-memory store. */
class MemoryStoreCoreTest extends CoreContractTest {
  @Override
  Store newStore(Path dir) {
    return new MemoryStore();
  }

  @Override
  Store restore(Path checkpoint) throws IOException {
    return MemoryStore.restore(checkpoint);
  }
}
