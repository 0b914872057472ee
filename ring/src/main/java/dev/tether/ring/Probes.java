package dev.tether.ring;

import java.util.Arrays;

/**
 * The deterministic probe order of one key over the members of a placement: each member appears
 * exactly once.
 *
 * <ol>
 *   <li>Probe 0 is the key's owner.
 *   <li>Probes 1 to {@link RingLimits#PROBES_RANDOM_MAX} map {@code mix64(keyHash + i * GOLDEN)}
 *       through the placement, skipping members already seen. They land on members in proportion to
 *       their share, independently for each key, so the keys of a removed member spread over all
 *       survivors instead of piling onto one successor.
 *   <li>The remaining members follow in descending {@code mix64(keyHash ^ idHash)} order (ties by
 *       index), which guarantees that the order covers every member.
 * </ol>
 *
 * <p>An instance is a cursor; it allocates, so it belongs on the placement path of new sessions,
 * not on the lookup path.
 */
public final class Probes {
  private final Placement placement;
  private final long keyHash;
  private final boolean[] seen;
  private int probe;
  private int produced;
  private int[] fallback;
  private int fallbackPos;

  /** The probe order of {@code keyHash} in {@code placement}. */
  public Probes(Placement placement, long keyHash) {
    this.placement = placement;
    this.keyHash = keyHash;
    this.seen = new boolean[placement.membership().size()];
  }

  /** True while members remain in the order. */
  public boolean hasNext() {
    return produced < seen.length;
  }

  /** The next member index in the order. */
  public int next() {
    if (!hasNext()) {
      throw new IllegalStateException("probe order exhausted after " + produced + " members");
    }
    while (probe <= RingLimits.PROBES_RANDOM_MAX) {
      int candidate = placement.probeOwner(keyHash, probe++);
      if (candidate >= 0 && !seen[candidate]) {
        return take(candidate);
      }
    }
    if (fallback == null) {
      fallback = fallbackOrder(placement.membership(), keyHash);
    }
    while (seen[fallback[fallbackPos]]) {
      fallbackPos++;
    }
    return take(fallback[fallbackPos++]);
  }

  /** Number of probes (including skipped repeats) spent so far. */
  public int probesSpent() {
    return probe;
  }

  private int take(int member) {
    seen[member] = true;
    produced++;
    return member;
  }

  private static int[] fallbackOrder(Membership m, long keyHash) {
    long[][] keyed = new long[m.size()][];
    for (int i = 0; i < keyed.length; i++) {
      keyed[i] = new long[] {Mix.fallbackScore(keyHash, m.idHash(i)), i};
    }
    Arrays.sort(
        keyed,
        (a, b) -> {
          int c = Long.compareUnsigned(b[0], a[0]);
          return c != 0 ? c : Long.compare(a[1], b[1]);
        });
    int[] order = new int[keyed.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = (int) keyed[i][1];
    }
    return order;
  }
}
