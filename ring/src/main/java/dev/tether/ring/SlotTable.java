package dev.tether.ring;

import java.util.Arrays;

/**
 * The {@code slot-table} placement: {@link RingLimits#SLOTS} slots, each owned by one member, and a
 * session lives in the slot given by the top {@link RingLimits#SLOT_BITS} bits of its hash.
 *
 * <p>Each member owns exactly its Webster share of the slots ({@link Apportionment}), so shares
 * match weights to within one slot. Which slots a member owns is decided by rendezvous scores
 * ({@link Mix#slotScore}); see {@link #next(Membership)} for how a change moves only the slots it
 * must. Lookups are one array read and never allocate.
 */
public final class SlotTable implements Placement {
  private static final short FREE = -1;

  private final Membership membership;
  private final short[] owners;
  private final int[] counts;

  private SlotTable(Membership membership, short[] owners) {
    this.membership = membership;
    this.owners = owners;
    this.counts = new int[membership.size()];
    for (short owner : owners) {
      if (owner != FREE) {
        counts[owner]++;
      }
    }
  }

  /** Builds the table of {@code membership} from an empty table. */
  public static SlotTable build(Membership membership) {
    short[] owners = new short[RingLimits.SLOTS];
    Arrays.fill(owners, FREE);
    return rebalance(membership, owners);
  }

  /**
   * Restores a table from {@link #encode()} output, checking that it is the table a sequence of
   * changes could have produced for {@code membership}: every slot owned by a member, and every
   * member owning exactly its apportioned count.
   *
   * @throws IllegalArgumentException if the bytes do not describe such a table
   */
  public static SlotTable decode(Membership membership, byte[] encoded) {
    if (encoded.length != 2 * RingLimits.SLOTS) {
      throw new IllegalArgumentException(
          "slot table is " + encoded.length + " bytes, must be " + 2 * RingLimits.SLOTS);
    }
    short[] owners = new short[RingLimits.SLOTS];
    for (int s = 0; s < owners.length; s++) {
      owners[s] = (short) (((encoded[2 * s] & 0xFF) << 8) | (encoded[2 * s + 1] & 0xFF));
      boolean valid =
          membership.isEmpty()
              ? owners[s] == FREE
              : owners[s] >= 0 && owners[s] < membership.size();
      if (!valid) {
        throw new IllegalArgumentException(
            "slot " + s + " has owner index " + owners[s] + " outside the membership");
      }
    }
    SlotTable table = new SlotTable(membership, owners);
    int[] caps = Apportionment.webster(membership, RingLimits.SLOTS);
    if (!Arrays.equals(caps, table.counts)) {
      throw new IllegalArgumentException("slot table counts do not match the members' weights");
    }
    return table;
  }

  /**
   * The table's bytes: for each slot in order, the owner's member index as a big-endian 16-bit
   * value, {@code 0xFFFF} when the membership is empty.
   */
  public byte[] encode() {
    byte[] out = new byte[2 * owners.length];
    for (int s = 0; s < owners.length; s++) {
      out[2 * s] = (byte) (owners[s] >> 8);
      out[2 * s + 1] = (byte) owners[s];
    }
    return out;
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.SLOT_TABLE;
  }

  @Override
  public Membership membership() {
    return membership;
  }

  @Override
  public int ownerIndex(long keyHash) {
    return owners[slotOf(keyHash)];
  }

  /** The slot of a session hash: its top {@link RingLimits#SLOT_BITS} bits. */
  public static int slotOf(long keyHash) {
    return (int) (keyHash >>> (64 - RingLimits.SLOT_BITS));
  }

  /** The member index owning {@code slot}, or -1 when the membership is empty. */
  public int slotOwner(int slot) {
    return owners[slot];
  }

  /** Number of slots the member at {@code index} owns. */
  public int slotCount(int index) {
    return counts[index];
  }

  @Override
  public double share(int index) {
    return counts[index] / (double) RingLimits.SLOTS;
  }

  @Override
  public long[] segmentStarts() {
    long[] starts = new long[RingLimits.SLOTS];
    for (int s = 0; s < starts.length; s++) {
      starts[s] = (long) s << (64 - RingLimits.SLOT_BITS);
    }
    return starts;
  }

  /**
   * The table for {@code next}, derived from this one with the fewest slot moves: slots of members
   * that are gone are freed; a member whose apportioned count fell frees the slots it scores
   * lowest; then each free slot, in ascending order, goes to the member with spare count that
   * scores it highest. Because apportionment is monotone, a leave moves exactly the leaver's slots
   * and a join moves exactly the newcomer's count.
   */
  @Override
  public SlotTable next(Membership next) {
    short[] mapped = new short[RingLimits.SLOTS];
    short[] remap = new short[membership.size()];
    for (int i = 0; i < remap.length; i++) {
      remap[i] = (short) next.indexOf(membership.id(i));
    }
    for (int s = 0; s < mapped.length; s++) {
      mapped[s] = owners[s] == FREE ? FREE : remap[owners[s]];
    }
    return rebalance(next, mapped);
  }

  /** Frees over-cap slots and fills free slots; {@code owners} is indexed into {@code m}. */
  private static SlotTable rebalance(Membership m, short[] owners) {
    int n = m.size();
    if (n == 0) {
      Arrays.fill(owners, FREE);
      return new SlotTable(m, owners);
    }
    int[] caps = Apportionment.webster(m, RingLimits.SLOTS);
    int[] counts = new int[n];
    for (short owner : owners) {
      if (owner != FREE) {
        counts[owner]++;
      }
    }
    for (int i = 0; i < n; i++) {
      if (counts[i] > caps[i]) {
        releaseLowest(m, owners, i, counts[i] - caps[i]);
      }
    }
    int[] spare = new int[n];
    int[] open = new int[n];
    int openCount = 0;
    for (int i = 0; i < n; i++) {
      spare[i] = caps[i] - Math.min(counts[i], caps[i]);
      if (spare[i] > 0) {
        open[openCount++] = i;
      }
    }
    for (int s = 0; s < owners.length; s++) {
      if (owners[s] != FREE) {
        continue;
      }
      int bestPos = 0;
      long bestScore = Mix.slotScore(m.idHash(open[0]), s);
      for (int p = 1; p < openCount; p++) {
        long score = Mix.slotScore(m.idHash(open[p]), s);
        // open[] stays in ascending index order, so a strict comparison keeps the lower index.
        if (Long.compareUnsigned(score, bestScore) > 0) {
          bestPos = p;
          bestScore = score;
        }
      }
      int winner = open[bestPos];
      owners[s] = (short) winner;
      if (--spare[winner] == 0) {
        System.arraycopy(open, bestPos + 1, open, bestPos, openCount - bestPos - 1);
        openCount--;
      }
    }
    return new SlotTable(m, owners);
  }

  /** Frees the {@code excess} slots of member {@code i} that it scores lowest. */
  private static void releaseLowest(Membership m, short[] owners, int i, int excess) {
    long nodeHash = m.idHash(i);
    // Sort (score, slot) pairs by unsigned score, ties by higher slot first, and free the first.
    int held = 0;
    for (short owner : owners) {
      if (owner == i) {
        held++;
      }
    }
    long[][] keyed = new long[held][];
    int k = 0;
    for (int s = 0; s < owners.length; s++) {
      if (owners[s] == i) {
        keyed[k++] = new long[] {Mix.slotScore(nodeHash, s), s};
      }
    }
    Arrays.sort(
        keyed,
        (a, b) -> {
          int c = Long.compareUnsigned(a[0], b[0]);
          return c != 0 ? c : Long.compare(b[1], a[1]);
        });
    for (int r = 0; r < excess; r++) {
      owners[(int) keyed[r][1]] = FREE;
    }
  }
}
