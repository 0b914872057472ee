package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An owner lookup, including hashing an ASCII session id, allocates nothing: measured with the
 * JVM's per-thread allocation counter over many lookups (a count, not a timing).
 */
class LookupAllocationTest {
  @Test
  void ownerLookupsDoNotAllocate() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] ids = Fixtures.uuids(new SplittableRandom(1), 1024).toArray(new String[0]);
    byte[] scratch = new byte[RingLimits.SESSION_ID_BYTES_MAX];

    for (Placement p :
        new Placement[] {
          SlotTable.build(Fixtures.equal(1000)), VnodeRing.build(Fixtures.equal(100), 160)
        }) {
      long sink = 0;
      for (int warm = 0; warm < 200_000; warm++) {
        sink += p.ownerIndex(SessionHash.of(ids[warm & 1023]));
      }
      long thread = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(thread);
      for (int k = 0; k < 100_000; k++) {
        sink += p.ownerIndex(SessionHash.of(ids[k & 1023]));
        sink += p.ownerIndex(SessionHash.of(ids[k & 1023], scratch));
      }
      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      // The counter itself may report a few hundred bytes; 100k lookups allocating would be MBs.
      assertThat(allocated)
          .as("%s bytes for 100k lookups (sink %d)", p.kind(), sink)
          .isLessThan(4096);
    }
  }
}
