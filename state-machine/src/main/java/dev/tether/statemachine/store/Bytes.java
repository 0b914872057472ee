package dev.tether.statemachine.store;

import java.util.Arrays;
import java.util.Comparator;

/** Unsigned lexicographic byte order, the order of RocksDB's default comparator. */
final class Bytes {
  static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private Bytes() {}

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The larger of two keys. */
  static byte[] max(byte[] a, byte[] b) {
    return ORDER.compare(a, b) >= 0 ? a : b;
  }
}
