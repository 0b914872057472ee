package dev.tether.statemachine.store;

import dev.tether.statemachine.core.KvStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link KvStore} the adapter owns: pending writes become durable together with the applied index
 * in one atomic {@link #commit}, and the whole state can be digested and checkpointed.
 */
public interface Store extends KvStore, AutoCloseable {
  /** Atomically writes the pending batch together with the applied log index and term. */
  void commit(long appliedIndex, long appliedTerm);

  /** Drops the pending batch. */
  void discard();

  /** The log index of the last committed batch, 0 for a new store. */
  long appliedIndex();

  /** The term of the last committed batch, 0 for a new store. */
  long appliedTerm();

  /**
   * XXH3-64 over every committed entry of every table in table then key order: equal digests mean
   * byte-identical state.
   */
  long digest();

  /** Writes a consistent copy of the committed state into the new directory {@code dir}. */
  void checkpoint(Path dir) throws IOException;

  @Override
  void close();
}
