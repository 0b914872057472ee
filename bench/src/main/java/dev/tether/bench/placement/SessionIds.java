package dev.tether.bench.placement;

import dev.tether.ring.SessionHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import net.spy.memcached.DefaultHashAlgorithm;

/**
 * A set of session ids reduced to the hashes the algorithms need: XXH3-64 (Tether, jump, jumpback)
 * and, optionally, spymemcached's own ketama hash (MD5), so that ten million ids fit in about 120
 * MB and the strings themselves are never kept.
 */
public final class SessionIds {
  /** Most session ids one evaluation takes. */
  public static final int SESSIONS_MAX = 10_000_000;

  private final long[] xxh3;
  private final int[] ketama;

  private SessionIds(long[] xxh3, int[] ketama) {
    this.xxh3 = xxh3;
    this.ketama = ketama;
  }

  /**
   * {@code count} random version-4 UUID strings drawn from a {@link SplittableRandom} seeded with
   * {@code seed}; the same seed gives the same ids.
   *
   * @param withKetama whether to also compute spymemcached's ketama hash of every id
   */
  public static SessionIds random(int count, long seed, boolean withKetama) {
    checkCount(count);
    SplittableRandom random = new SplittableRandom(seed);
    long[] xxh3 = new long[count];
    int[] ketama = withKetama ? new int[count] : null;
    for (int k = 0; k < count; k++) {
      String id = randomUuid(random);
      xxh3[k] = SessionHash.of(id);
      if (ketama != null) {
        ketama[k] = ketamaHash(id);
      }
    }
    return new SessionIds(xxh3, ketama);
  }

  /** The {@code k}-th id of {@link #random} is the {@code k}-th call of this on the same stream. */
  static String randomUuid(SplittableRandom random) {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~0xC000_0000_0000_0000L) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }

  /**
   * Reads one session id per line (UTF-8, no trimming) from {@code file}.
   *
   * @throws IllegalArgumentException naming the line of an invalid id, or when the file holds no id
   *     or more than {@link #SESSIONS_MAX}
   * @throws IOException when the file cannot be read
   */
  public static SessionIds read(Path file, boolean withKetama) throws IOException {
    long[] xxh3 = new long[1024];
    int[] ketama = withKetama ? new int[1024] : null;
    int count = 0;
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
      String line;
      long lineNumber = 0;
      while (true) {
        try {
          line = reader.readLine();
        } catch (CharacterCodingException e) {
          throw new IllegalArgumentException(
              "ids file " + file + " line " + (lineNumber + 1) + ": not valid UTF-8", e);
        }
        if (line == null) {
          break;
        }
        lineNumber++;
        try {
          SessionHash.checkSessionId("session id", line);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "ids file " + file + " line " + lineNumber + ": " + e.getMessage(), e);
        }
        if (count == SESSIONS_MAX) {
          throw new IllegalArgumentException(
              "ids file " + file + " has more than SESSIONS_MAX=" + SESSIONS_MAX + " ids");
        }
        if (count == xxh3.length) {
          int grown = (int) Math.min(SESSIONS_MAX, 2L * count);
          xxh3 = Arrays.copyOf(xxh3, grown);
          ketama = ketama == null ? null : Arrays.copyOf(ketama, grown);
        }
        xxh3[count] = SessionHash.of(line);
        if (ketama != null) {
          ketama[count] = ketamaHash(line);
        }
        count++;
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("ids file " + file + " holds no session id");
    }
    return new SessionIds(
        Arrays.copyOf(xxh3, count), ketama == null ? null : Arrays.copyOf(ketama, count));
  }

  /** spymemcached's ketama key hash: the low 32 bits of MD5, as an unsigned int. */
  static int ketamaHash(String id) {
    return (int) DefaultHashAlgorithm.KETAMA_HASH.hash(id);
  }

  private static void checkCount(int count) {
    if (count < 1 || count > SESSIONS_MAX) {
      throw new IllegalArgumentException(
          "sessions is " + count + ", must be in [1, SESSIONS_MAX=" + SESSIONS_MAX + "]");
    }
  }

  /** Number of ids. */
  public int size() {
    return xxh3.length;
  }

  /** XXH3-64 of id {@code k} ({@link SessionHash#of}). */
  public long xxh3(int k) {
    return xxh3[k];
  }

  /** True when the ketama hashes were computed. */
  public boolean hasKetama() {
    return ketama != null;
  }

  /** spymemcached's KETAMA_HASH of id {@code k}, in [0, 2^32). */
  public long ketama(int k) {
    if (ketama == null) {
      throw new IllegalStateException("ketama hashes were not computed for these ids");
    }
    return ketama[k] & 0xFFFF_FFFFL;
  }
}
