package dev.tether.bench.jmh;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.tether.ring.RingLimits;
import dev.tether.ring.SessionHash;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hashing part of a lookup alone, over the same 65,536 UUID strings as {@link LookupBenchmark},
 * so that lookup cost can be split into hashing and placement.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class HashBenchmark {
  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  private final String[] ids = new String[LookupBenchmark.IDS];
  private final byte[][] encodedIds = new byte[LookupBenchmark.IDS][];
  private final byte[] scratch = new byte[RingLimits.SESSION_ID_BYTES_MAX];
  private int cursor;

  /** Fills {@code ids} with the benchmark's UUID strings (seed 1, 36 characters each). */
  static void fillIds(String[] ids) {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = new UUID(random.nextLong(), random.nextLong()).toString();
    }
  }

  @Setup
  public void setUp() {
    fillIds(ids);
    for (int i = 0; i < ids.length; i++) {
      encodedIds[i] = ids[i].getBytes(StandardCharsets.UTF_8);
      if (xxh3ViaScratch(ids[i]) != SessionHash.of(ids[i])) {
        throw new IllegalStateException("scratch-buffer hash differs for " + ids[i]);
      }
    }
  }

  /** XXH3-64 of the id string, as every lookup computes it ({@link SessionHash#of}). */
  @Benchmark
  public long xxh3String() {
    return SessionHash.of(ids[cursor++ & (LookupBenchmark.IDS - 1)]);
  }

  /**
   * XXH3-64 of ids already encoded to bytes: the hashing floor, showing what {@link SessionHash#of}
   * pays for reading a String's characters one by one through hash4j's {@code ByteAccess}.
   */
  @Benchmark
  public long xxh3PreEncoded() {
    return SessionHash.ofBytes(encodedIds[cursor++ & (LookupBenchmark.IDS - 1)]);
  }

  /**
   * A candidate for {@link SessionHash#of}'s ASCII path that gives the same value: copy the
   * characters into a reused byte buffer, then hash the bytes in bulk. Measured to show the gap,
   * not used by the ring.
   */
  @Benchmark
  public long xxh3ViaScratchBuffer() {
    return xxh3ViaScratch(ids[cursor++ & (LookupBenchmark.IDS - 1)]);
  }

  private long xxh3ViaScratch(String id) {
    int length = id.length();
    for (int i = 0; i < length; i++) {
      scratch[i] = (byte) id.charAt(i);
    }
    return XXH3.hashBytesToLong(scratch, 0, length);
  }
}
