package dev.tether.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What changes between two placements: which slots (or, for rings, hash-space arcs) change owner,
 * how much hash space flows between each pair of members, and which of a given set of session ids
 * would change owner.
 */
public final class PlacementDiff {
  /** One slot that changes owner; ids are {@code null} where there is no owner. */
  public record SlotMove(int slot, String from, String to) {}

  /** Hash space flowing from one member to another, as a fraction of the whole space. */
  public record Flow(String from, String to, double share) {}

  /** A session id whose owner changes. */
  public record OwnerChange(String sessionId, String from, String to) {}

  private record Pair(String from, String to) {}

  private final Placement before;
  private final Placement after;
  private final List<SlotMove> slotMoves;
  private final List<Flow> flows;
  private final double movedShare;

  private PlacementDiff(Placement before, Placement after) {
    this.before = before;
    this.after = after;
    this.slotMoves = slotMovesOf(before, after);
    Map<Pair, Double> flow = new LinkedHashMap<>();
    double moved = 0;
    long[] starts = mergedStarts(before, after);
    for (int i = 0; i < starts.length; i++) {
      long start = starts[i];
      long end = i + 1 < starts.length ? starts[i + 1] : starts[0];
      int from = before.ownerIndex(start);
      int to = after.ownerIndex(start);
      String fromId = from < 0 ? null : before.membership().id(from);
      String toId = to < 0 ? null : after.membership().id(to);
      if (fromId == null ? toId != null : !fromId.equals(toId)) {
        double length = arcLength(start, end, starts.length);
        moved += length;
        flow.merge(new Pair(fromId, toId), length, Double::sum);
      }
    }
    List<Flow> flowList = new ArrayList<>();
    for (Map.Entry<Pair, Double> e : flow.entrySet()) {
      flowList.add(new Flow(e.getKey().from(), e.getKey().to(), e.getValue()));
    }
    flowList.sort((a, b) -> Double.compare(b.share(), a.share()));
    this.flows = Collections.unmodifiableList(flowList);
    this.movedShare = moved;
  }

  /** The difference between two placements (of any policies). */
  public static PlacementDiff between(Placement before, Placement after) {
    return new PlacementDiff(before, after);
  }

  /** The difference a change would make to {@code before}. */
  public static PlacementDiff whatIf(Placement before, MembershipChange change) {
    return new PlacementDiff(before, before.next(change.apply(before.membership())));
  }

  /** The placement before the change. */
  public Placement before() {
    return before;
  }

  /** The placement after the change. */
  public Placement after() {
    return after;
  }

  /** The slots that change owner, in slot order; empty unless both placements are slot tables. */
  public List<SlotMove> slotMoves() {
    return slotMoves;
  }

  /** Hash space moving between each pair of members, largest first. */
  public List<Flow> flows() {
    return flows;
  }

  /** Fraction of the hash space that changes owner. */
  public double movedShare() {
    return movedShare;
  }

  /** The ids among {@code sessionIds} whose owner differs between the two placements. */
  public List<OwnerChange> ownerChanges(Iterable<? extends CharSequence> sessionIds) {
    List<OwnerChange> changes = new ArrayList<>();
    for (CharSequence id : sessionIds) {
      String from = before.ownerOf(id);
      String to = after.ownerOf(id);
      if (from == null ? to != null : !from.equals(to)) {
        changes.add(new OwnerChange(id.toString(), from, to));
      }
    }
    return changes;
  }

  private static List<SlotMove> slotMovesOf(Placement before, Placement after) {
    if (!(before instanceof SlotTable a) || !(after instanceof SlotTable b)) {
      return List.of();
    }
    List<SlotMove> moves = new ArrayList<>();
    for (int s = 0; s < RingLimits.SLOTS; s++) {
      int from = a.slotOwner(s);
      int to = b.slotOwner(s);
      String fromId = from < 0 ? null : a.membership().id(from);
      String toId = to < 0 ? null : b.membership().id(to);
      if (fromId == null ? toId != null : !fromId.equals(toId)) {
        moves.add(new SlotMove(s, fromId, toId));
      }
    }
    return Collections.unmodifiableList(moves);
  }

  private static long[] mergedStarts(Placement a, Placement b) {
    long[] sa = a.segmentStarts();
    long[] sb = b.segmentStarts();
    long[] all = Arrays.copyOf(sa, sa.length + sb.length + 1);
    System.arraycopy(sb, 0, all, sa.length, sb.length);
    all[all.length - 1] = 0;
    // Sort as unsigned values by flipping the sign bit around a signed sort.
    for (int i = 0; i < all.length; i++) {
      all[i] ^= Long.MIN_VALUE;
    }
    Arrays.sort(all);
    int unique = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        all[unique++] = all[i] ^ Long.MIN_VALUE;
      }
    }
    return Arrays.copyOf(all, unique);
  }

  private static double arcLength(long start, long end, int segments) {
    if (segments == 1) {
      return 1.0;
    }
    long length = end - start;
    double d = (double) (length >>> 1) * 2.0 + (length & 1);
    return d / 0x1p64;
  }
}
