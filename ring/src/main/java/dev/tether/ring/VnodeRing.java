package dev.tether.ring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code vnode-ring} placement: the classic weighted consistent-hash ring. Each member has
 * {@code max(1, floor(vnodesPerUnit * weightMilli / 1000))} points at {@code XXH3-64("id#j")}; a
 * session belongs to the first point at or after its hash, wrapping at 2^64. Lookups are a binary
 * search and never allocate.
 */
public final class VnodeRing implements Placement {
  private final Membership membership;
  private final int vnodesPerUnit;

  /** Point positions with the sign bit flipped, so that signed order is unsigned ring order. */
  private final long[] points;

  private final short[] pointOwners;

  private VnodeRing(Membership membership, int vnodesPerUnit, long[] points, short[] owners) {
    this.membership = membership;
    this.vnodesPerUnit = vnodesPerUnit;
    this.points = points;
    this.pointOwners = owners;
  }

  /**
   * Builds the ring of {@code membership}.
   *
   * @throws IllegalArgumentException if {@code vnodesPerUnit} is out of range or the ring would
   *     exceed {@link RingLimits#RING_POINTS_MAX} points
   */
  public static VnodeRing build(Membership membership, int vnodesPerUnit) {
    PolicyConfig.checkVnodes(vnodesPerUnit);
    long total = 0;
    for (int i = 0; i < membership.size(); i++) {
      total += pointsOf(membership.weightMilli(i), vnodesPerUnit);
    }
    if (total > RingLimits.RING_POINTS_MAX) {
      throw new IllegalArgumentException(
          "vnode ring would have "
              + total
              + " points, limit RING_POINTS_MAX is "
              + RingLimits.RING_POINTS_MAX
              + "; lower vnodes_per_unit or the weights");
    }
    long[][] keyed = new long[(int) total][];
    int k = 0;
    for (int i = 0; i < membership.size(); i++) {
      long count = pointsOf(membership.weightMilli(i), vnodesPerUnit);
      for (int j = 0; j < count; j++) {
        byte[] name = (membership.id(i) + "#" + j).getBytes(StandardCharsets.UTF_8);
        keyed[k++] = new long[] {SessionHash.ofBytes(name) ^ Long.MIN_VALUE, i};
      }
    }
    // Equal positions (a 64-bit collision) are ordered by member index; the first one wins.
    Arrays.sort(
        keyed,
        (a, b) -> {
          int c = Long.compare(a[0], b[0]);
          return c != 0 ? c : Long.compare(a[1], b[1]);
        });
    long[] points = new long[keyed.length];
    short[] owners = new short[keyed.length];
    for (int p = 0; p < keyed.length; p++) {
      points[p] = keyed[p][0];
      owners[p] = (short) keyed[p][1];
    }
    return new VnodeRing(membership, vnodesPerUnit, points, owners);
  }

  /** Points of a member of this weight: {@code max(1, floor(vnodes * weightMilli / 1000))}. */
  static long pointsOf(long weightMilli, int vnodesPerUnit) {
    return Math.max(1, vnodesPerUnit * weightMilli / RingLimits.WEIGHT_SCALE);
  }

  /** Virtual nodes per capacity unit. */
  public int vnodesPerUnit() {
    return vnodesPerUnit;
  }

  /** Total number of points on the ring. */
  public int pointCount() {
    return points.length;
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.VNODE_RING;
  }

  @Override
  public Membership membership() {
    return membership;
  }

  @Override
  public int ownerIndex(long keyHash) {
    if (points.length == 0) {
      return -1;
    }
    long key = keyHash ^ Long.MIN_VALUE;
    // First point >= key; on equal positions the lowest index, which the build put first.
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return pointOwners[lo == points.length ? 0 : lo];
  }

  @Override
  public double share(int index) {
    if (points.length == 0) {
      return 0;
    }
    if (points.length == 1) {
      return pointOwners[0] == index ? 1.0 : 0.0;
    }
    double owned = 0;
    for (int p = 0; p < points.length; p++) {
      if (pointOwners[p] == index) {
        // Point p owns (previous point, p]; the first point also owns the wrap-around arc.
        long prev = p == 0 ? points[points.length - 1] : points[p - 1];
        owned += unsignedToDouble(points[p] - prev);
      }
    }
    return owned / 0x1p64;
  }

  @Override
  public long[] segmentStarts() {
    long[] starts = new long[points.length];
    for (int p = 0; p < points.length; p++) {
      // Undo the sign flip; point p's arc starts just after the previous point.
      starts[p] = (points[p] ^ Long.MIN_VALUE) + 1;
    }
    return starts;
  }

  @Override
  public VnodeRing next(Membership next) {
    return build(next, vnodesPerUnit);
  }

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return d + (v & 1);
  }
}
