package dev.tether.ring;

/**
 * Placement of a new session under a load bound (Mirrokni, Thorup and Zadimoghaddam, "Consistent
 * Hashing with Bounded Loads", SODA 2018): the owner is the first member in the key's {@link Probes
 * probe order} whose session count is below its cap.
 *
 * <p>With {@code T} = (sessions counted) + 1, {@code W} = total weight and {@code c} the balance
 * factor, member {@code i}'s cap is {@code ceil(c * T * w_i / W)}. The caps sum to at least {@code
 * T}, so some member is always below its cap and the search always ends.
 */
public final class BoundedLoad {
  private BoundedLoad() {}

  /** The outcome of a placement: the chosen member and how many probes it cost. */
  public record Choice(int memberIndex, int probes) {}

  /**
   * Chooses the owner of a new session.
   *
   * @param placement the placement of the eligible members
   * @param keyHash the session's hash ({@link SessionHash#of})
   * @param counts sessions currently owned by each member, indexed like the membership
   * @param balancePermille the balance factor in thousandths, {@link
   *     RingLimits#BALANCE_PERMILLE_MIN} to {@link RingLimits#BALANCE_PERMILLE_MAX}
   * @throws IllegalArgumentException on an empty membership or out-of-limit arguments
   */
  public static Choice choose(
      Placement placement, long keyHash, long[] counts, int balancePermille) {
    Membership m = placement.membership();
    long total = checkArguments(m, counts, balancePermille);
    Probes probes = new Probes(placement, keyHash);
    int tried = 0;
    while (probes.hasNext()) {
      int candidate = probes.next();
      tried++;
      if (counts[candidate] < cap(m, candidate, total, balancePermille)) {
        return new Choice(candidate, tried);
      }
    }
    // Unreachable: the caps sum to more than the counts (see the class comment).
    throw new IllegalStateException("no member below its cap; counts " + total);
  }

  /**
   * Chooses the new owner of a pinned session whose owner left, failed or finished draining: the
   * bounded-load choice over the probe order of {@link Mix#rehomeHash} rather than of the key
   * itself. The key's own first probe is the slot owner, and a member that owned few slots (at 1000
   * nodes, about 65 of 65536) would hand all its sessions to at most that many heirs; the rehome
   * hash's first probe is a share-weighted random member instead, independently per key.
   */
  public static Choice chooseRehome(
      Placement placement, long keyHash, long[] counts, int balancePermille) {
    return choose(placement, rehomeKey(keyHash), counts, balancePermille);
  }

  /**
   * The hash whose probe order {@link #chooseRehome} follows for a session hashing to {@code
   * keyHash}.
   */
  public static long rehomeKey(long keyHash) {
    return Mix.rehomeHash(keyHash);
  }

  /**
   * The cap of member {@code index} when {@code sessions} sessions are counted before the new one.
   */
  public static long cap(Membership m, int index, long sessions, int balancePermille) {
    long numerator =
        Math.multiplyExact(
            Math.multiplyExact((long) balancePermille, sessions + 1), m.weightMilli(index));
    long denominator = RingLimits.WEIGHT_SCALE * m.totalWeightMilli();
    return -Math.floorDiv(-numerator, denominator);
  }

  private static long checkArguments(Membership m, long[] counts, int balancePermille) {
    if (m.isEmpty()) {
      throw new IllegalArgumentException("cannot place a session: the ring has no eligible nodes");
    }
    if (balancePermille < RingLimits.BALANCE_PERMILLE_MIN
        || balancePermille > RingLimits.BALANCE_PERMILLE_MAX) {
      throw new IllegalArgumentException(
          "balance_permille is "
              + balancePermille
              + ", must be in [BALANCE_PERMILLE_MIN="
              + RingLimits.BALANCE_PERMILLE_MIN
              + ", BALANCE_PERMILLE_MAX="
              + RingLimits.BALANCE_PERMILLE_MAX
              + "]");
    }
    if (counts.length != m.size()) {
      throw new IllegalArgumentException(
          "counts has " + counts.length + " entries, the membership " + m.size());
    }
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("counts[" + i + "] is negative: " + counts[i]);
      }
      total += counts[i];
      if (total >= RingLimits.SESSIONS_PER_RING_MAX) {
        throw new IllegalArgumentException(
            "counts sum past SESSIONS_PER_RING_MAX=" + RingLimits.SESSIONS_PER_RING_MAX);
      }
    }
    return total;
  }
}
