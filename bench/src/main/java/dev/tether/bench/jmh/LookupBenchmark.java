package dev.tether.bench.jmh;

import com.dynatrace.hash4j.consistent.ConsistentBucketHasher;
import com.dynatrace.hash4j.consistent.ConsistentHashing;
import com.dynatrace.hash4j.random.PseudoRandomGeneratorProvider;
import com.google.common.hash.Hashing;
import dev.tether.bench.placement.MemcachedStubs;
import dev.tether.ring.Member;
import dev.tether.ring.Membership;
import dev.tether.ring.Placement;
import dev.tether.ring.PolicyConfig;
import dev.tether.ring.RingLimits;
import dev.tether.ring.SessionHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.KetamaNodeLocator;
import net.spy.memcached.MemcachedNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Owner lookup of a session id, hashing included: each call takes the next of 65,536 pre-generated
 * 36-character UUID strings and returns its owner. Tether's lookups and Guava/hash4j use the same
 * XXH3-64 of the id ({@link SessionHash#of(CharSequence, byte[])}, the allocation-free path with a
 * per-thread buffer that a proxy uses); spymemcached hashes with MD5 inside {@code getPrimary}, as
 * its users get it.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(3)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class LookupBenchmark {
  /** Number of pre-generated ids; a power of two so the cursor wraps with a mask. */
  static final int IDS = 1 << 16;

  @Param({"10", "100", "1000"})
  int nodes;

  private final String[] ids = new String[IDS];

  /** A per-thread scratch buffer for the allocation-free hashing path (@State is per thread). */
  private final byte[] scratch = new byte[RingLimits.SESSION_ID_BYTES_MAX];

  private int cursor;
  private Placement slotTable;
  private Placement vnodeRing;
  private ConsistentBucketHasher jumpBack;
  private KetamaNodeLocator ketama;

  @Setup
  public void setUp() {
    HashBenchmark.fillIds(ids);
    List<Member> members = new ArrayList<>();
    List<MemcachedNode> servers = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      members.add(Member.ofUnits(String.format(Locale.ROOT, "node-%04d", i), 1));
      servers.add(MemcachedStubs.stub(i));
    }
    Membership membership = Membership.of(members);
    slotTable = Placement.build(PolicyConfig.DEFAULT, membership);
    vnodeRing =
        Placement.build(PolicyConfig.vnodeRing(RingLimits.VNODES_PER_UNIT_DEFAULT), membership);
    jumpBack = ConsistentHashing.jumpBackHash(PseudoRandomGeneratorProvider.splitMix64_V1());
    ketama = new KetamaNodeLocator(servers, DefaultHashAlgorithm.KETAMA_HASH);
  }

  private String nextId() {
    return ids[cursor++ & (IDS - 1)];
  }

  @Benchmark
  public int tetherSlotTable() {
    return slotTable.ownerIndex(SessionHash.of(nextId(), scratch));
  }

  @Benchmark
  public int tetherVnodeRing160() {
    return vnodeRing.ownerIndex(SessionHash.of(nextId(), scratch));
  }

  @Benchmark
  public int guavaJump() {
    return Hashing.consistentHash(SessionHash.of(nextId(), scratch), nodes);
  }

  @Benchmark
  public int hash4jJumpBack() {
    return jumpBack.getBucket(SessionHash.of(nextId(), scratch), nodes);
  }

  @Benchmark
  public MemcachedNode spymemcachedKetama() {
    return ketama.getPrimary(nextId());
  }
}
