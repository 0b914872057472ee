package dev.tether.bench.placement;

import dev.tether.ring.Member;
import dev.tether.ring.Membership;
import dev.tether.ring.Placement;
import dev.tether.ring.PolicyConfig;
import dev.tether.ring.SlotTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Tether placement ({@code slot-table} or {@code vnode-ring}) from the ring module. Joins and
 * leaves go through {@link Placement#next}, as the daemon applies them, so a slot table moves only
 * the slots it must.
 */
final class TetherLayout extends Layout {
  private final Placement placement;
  private final int[] globalOf;

  private TetherLayout(Placement placement) {
    this.placement = placement;
    Membership m = placement.membership();
    this.globalOf = new int[m.size()];
    for (int i = 0; i < globalOf.length; i++) {
      globalOf[i] = globalIndex(m.id(i));
    }
  }

  /** The placement of nodes {@code 0..weights.length-1} with these capacity units. */
  static TetherLayout build(PolicyConfig policy, int[] weights) {
    List<Member> members = new ArrayList<>(weights.length);
    for (int i = 0; i < weights.length; i++) {
      members.add(Member.ofUnits(nodeId(i), weights[i]));
    }
    return new TetherLayout(Placement.build(policy, Membership.of(members)));
  }

  /**
   * The member id of global node {@code i}; zero-padded so that the membership's id order is the
   * global order.
   */
  static String nodeId(int i) {
    return String.format(Locale.ROOT, "node-%04d", i);
  }

  private static int globalIndex(String nodeId) {
    return Integer.parseInt(nodeId.substring("node-".length()));
  }

  Placement placement() {
    return placement;
  }

  /** The global index of the member at {@code memberIndex} of the placement's membership. */
  int global(int memberIndex) {
    return globalOf[memberIndex];
  }

  @Override
  int owner(SessionIds ids, int k) {
    return globalOf[placement.ownerIndex(ids.xxh3(k))];
  }

  @Override
  Shares shares(int universe) {
    double[] share = new double[universe];
    if (placement instanceof SlotTable table) {
      for (int i = 0; i < globalOf.length; i++) {
        share[globalOf[i]] = table.share(i);
      }
      return new Shares(share, "exact: slot counts / 2^16");
    }
    // One pass over the segments instead of Placement.share(i) per node, which is O(points) each.
    long[] starts = placement.segmentStarts();
    sortUnsigned(starts);
    for (int p = 0; p < starts.length; p++) {
      long end = p + 1 < starts.length ? starts[p + 1] : starts[0];
      double length = starts.length == 1 ? 0x1p64 : unsignedToDouble(end - starts[p]);
      share[globalOf[placement.ownerIndex(starts[p])]] += length / 0x1p64;
    }
    return new Shares(share, "exact: arc lengths of the 64-bit ring");
  }

  @Override
  TetherLayout join(int node, int weight) {
    Membership next = placement.membership().with(Member.ofUnits(nodeId(node), weight));
    return new TetherLayout(placement.next(next));
  }

  @Override
  TetherLayout leave(int node) {
    return new TetherLayout(placement.next(placement.membership().without(nodeId(node))));
  }

  private static void sortUnsigned(long[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] ^= Long.MIN_VALUE;
    }
    Arrays.sort(values);
    for (int i = 0; i < values.length; i++) {
      values[i] ^= Long.MIN_VALUE;
    }
  }

  static double unsignedToDouble(long v) {
    return (double) (v >>> 1) * 2.0 + (v & 1);
  }
}
