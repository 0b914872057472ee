package dev.tether.statemachine.core;

import java.util.List;

/**
 * The key-value view the core applies commands to. Writes are pending until the owner of the store
 * commits them together with the applied index; reads see pending writes (read your writes within
 * one log entry). Implementations: {@code dev.tether.statemachine.store}.
 */
public interface KvStore {
  /** One key and its value. */
  record Entry(byte[] key, byte[] value) {}

  /** The value of {@code key}, or {@code null}. */
  byte[] get(Table table, byte[] key);

  /** Sets {@code key} to {@code value} (pending). */
  void put(Table table, byte[] key, byte[] value);

  /** Deletes {@code key} (pending). */
  void delete(Table table, byte[] key);

  /**
   * Up to {@code limit} entries whose keys start with {@code prefix} and are {@code >= from}, in
   * unsigned byte order, including pending writes.
   */
  List<Entry> scan(Table table, byte[] prefix, byte[] from, int limit);
}
