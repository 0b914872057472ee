package dev.tether.ring;

/**
 * Divides a fixed number of seats (slots) among weighted members by the Webster/Sainte-Laguë
 * highest-averages method, with integer arithmetic only.
 *
 * <p>Seat {@code k} (0-based) of member {@code i} has priority {@code w_i / (2k + 1)}; the members
 * get the {@code seats} entries of highest priority, ties going to the lower member index (the id
 * that sorts first). Because the outcome is "the top entries of one fixed total order", removing a
 * member or lowering its weight never lowers another member's count, and adding a member or raising
 * its weight never raises another's: a change moves only the seats it must. Written by hand: no
 * maintained library does apportionment.
 */
final class Apportionment {
  private Apportionment() {}

  /** Returns the seat count of each member; the counts sum to exactly {@code seats}. */
  static int[] webster(Membership membership, int seats) {
    int n = membership.size();
    int[] count = new int[n];
    if (n == 0) {
      return count;
    }
    long total = membership.totalWeightMilli();
    long assigned = 0;
    for (int i = 0; i < n; i++) {
      count[i] = (int) (seats * membership.weightMilli(i) / total);
      assigned += count[i];
    }
    while (assigned < seats) {
      count[bestNext(membership, count)]++;
      assigned++;
    }
    // The floor start can exceed Webster's count for some member in rare cases; exchange seats
    // until no unseated entry outranks a seated one.
    while (true) {
      int best = bestNext(membership, count);
      int worst = worstLast(membership, count);
      if (!outranks(membership, best, count[best], worst, count[worst] - 1)) {
        return count;
      }
      count[best]++;
      count[worst]--;
    }
  }

  /** The member whose next seat (entry {@code count[i]}) has the highest priority. */
  private static int bestNext(Membership m, int[] count) {
    int best = 0;
    for (int i = 1; i < count.length; i++) {
      if (outranks(m, i, count[i], best, count[best])) {
        best = i;
      }
    }
    return best;
  }

  /** The seated member whose last seat (entry {@code count[i] - 1}) has the lowest priority. */
  private static int worstLast(Membership m, int[] count) {
    int worst = -1;
    for (int i = 0; i < count.length; i++) {
      if (count[i] > 0 && (worst < 0 || outranks(m, worst, count[worst] - 1, i, count[i] - 1))) {
        worst = i;
      }
    }
    return worst;
  }

  /** True when entry {@code (a, ka)} ranks before entry {@code (b, kb)} in the total order. */
  static boolean outranks(Membership m, int a, int ka, int b, int kb) {
    if (a == b) {
      return ka < kb;
    }
    // w_a / (2ka + 1) > w_b / (2kb + 1), cross-multiplied: at most 1e6 * 131073, no overflow.
    long left = m.weightMilli(a) * (2L * kb + 1);
    long right = m.weightMilli(b) * (2L * ka + 1);
    if (left != right) {
      return left > right;
    }
    return a < b;
  }
}
