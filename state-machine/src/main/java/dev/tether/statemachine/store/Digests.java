package dev.tether.statemachine.store;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.tether.statemachine.core.Table;

/** Builds the state digest of {@link Store#digest()}: every entry, framed, in a fixed order. */
final class Digests {
  private final HashStream64 stream = Hashing.xxh3_64().hashStream();

  void add(Table table, byte[] key, byte[] value) {
    stream
        .putInt(table.ordinal())
        .putInt(key.length)
        .putBytes(key)
        .putInt(value.length)
        .putBytes(value);
  }

  long value() {
    return stream.getAsLong();
  }
}
