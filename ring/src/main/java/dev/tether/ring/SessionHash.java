package dev.tether.ring;

import com.dynatrace.hash4j.hashing.ByteAccess;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * XXH3-64 (seed 0) of the UTF-8 bytes of an id: the only hash a session or node id ever gets.
 *
 * <p>ASCII ids, the common case (UUIDs, numeric ids), are hashed straight from their characters
 * without allocating; other ids are encoded to UTF-8 first. Both paths give the same value as
 * hashing the UTF-8 bytes, which is what another implementation of the spec does.
 */
public final class SessionHash {
  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  /** Reads the characters of an all-ASCII sequence as bytes; valid only for ASCII input. */
  private static final ByteAccess<CharSequence> ASCII = new AsciiAccess();

  /**
   * Byte access to an ASCII character sequence. The multi-byte reads assemble little-endian words
   * straight from the characters, so XXH3 reads 8 bytes per call instead of one.
   */
  private static final class AsciiAccess implements ByteAccess<CharSequence> {
    @Override
    public byte getByte(CharSequence s, long index) {
      return (byte) s.charAt((int) index);
    }

    @Override
    public int getByteAsUnsignedInt(CharSequence s, long index) {
      return s.charAt((int) index);
    }

    @Override
    public long getByteAsUnsignedLong(CharSequence s, long index) {
      return s.charAt((int) index);
    }

    @Override
    public int getInt(CharSequence s, long index) {
      int i = (int) index;
      return s.charAt(i)
          | (s.charAt(i + 1) << 8)
          | (s.charAt(i + 2) << 16)
          | (s.charAt(i + 3) << 24);
    }

    @Override
    public long getIntAsUnsignedLong(CharSequence s, long index) {
      return getInt(s, index) & 0xFFFFFFFFL;
    }

    @Override
    public long getLong(CharSequence s, long index) {
      return getIntAsUnsignedLong(s, index) | ((long) getInt(s, index + 4) << 32);
    }
  }

  private SessionHash() {}

  /** Returns XXH3-64 of the UTF-8 encoding of {@code id}. */
  public static long of(CharSequence id) {
    int length = id.length();
    for (int i = 0; i < length; i++) {
      if (id.charAt(i) >= 0x80) {
        return ofBytes(id.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return XXH3.hashBytesToLong(id, 0, length, ASCII);
  }

  /**
   * Returns XXH3-64 of the UTF-8 encoding of {@code id}, like {@link #of(CharSequence)}, using a
   * caller-owned buffer for the hot path of a proxy: an ASCII id that fits is copied into {@code
   * scratch} and hashed as bytes, which is about twice as fast as reading it character by character
   * and allocates nothing. Other ids fall back to {@link #of(CharSequence)}. Give each thread its
   * own buffer ({@link RingLimits#SESSION_ID_BYTES_MAX} bytes fit every ASCII id).
   */
  public static long of(CharSequence id, byte[] scratch) {
    int length = id.length();
    if (length <= scratch.length) {
      int bits = 0;
      for (int i = 0; i < length; i++) {
        char c = id.charAt(i);
        bits |= c;
        scratch[i] = (byte) c;
      }
      if (bits < 0x80) {
        return XXH3.hashBytesToLong(scratch, 0, length);
      }
    }
    return of(id);
  }

  /** Returns XXH3-64 of {@code bytes}. */
  public static long ofBytes(byte[] bytes) {
    return XXH3.hashBytesToLong(bytes);
  }

  /**
   * Checks that {@code id} is a valid session id: 1 to {@link RingLimits#SESSION_ID_BYTES_MAX}
   * UTF-8 bytes.
   *
   * @throws IllegalArgumentException naming the field and the limit
   */
  public static void checkSessionId(String field, CharSequence id) {
    if (id == null || id.length() == 0) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    int bytes = utf8Length(id);
    if (bytes < 0) {
      throw new IllegalArgumentException(field + " is not valid Unicode (unpaired surrogate)");
    }
    if (bytes > RingLimits.SESSION_ID_BYTES_MAX) {
      throw new IllegalArgumentException(
          field
              + " is "
              + bytes
              + " bytes, limit SESSION_ID_BYTES_MAX is "
              + RingLimits.SESSION_ID_BYTES_MAX);
    }
  }

  /**
   * The number of bytes of the UTF-8 encoding of {@code s}, without encoding it, or -1 when {@code
   * s} holds an unpaired surrogate and so has no UTF-8 encoding.
   */
  static int utf8Length(CharSequence s) {
    int bytes = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= length
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return -1;
        }
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
