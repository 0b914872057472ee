package dev.tether.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * An immutable set of members, sorted by id. A member's position in this order is its index, which
 * placements use to name owners compactly.
 */
public final class Membership {
  private static final Membership EMPTY = new Membership(new Member[0]);

  private final Member[] members;
  private final String[] ids;
  private final long[] idHashes;
  private final long totalWeightMilli;

  private Membership(Member[] sorted) {
    this.members = sorted;
    this.ids = new String[sorted.length];
    this.idHashes = new long[sorted.length];
    long total = 0;
    for (int i = 0; i < sorted.length; i++) {
      ids[i] = sorted[i].id();
      idHashes[i] = SessionHash.of(sorted[i].id());
      total += sorted[i].weightMilli();
    }
    this.totalWeightMilli = total;
  }

  /** The membership with no members. */
  public static Membership empty() {
    return EMPTY;
  }

  /**
   * Builds a membership from members in any order.
   *
   * @throws IllegalArgumentException if an id repeats or there are more than {@link
   *     RingLimits#NODES_PER_RING_MAX} members
   */
  public static Membership of(Collection<Member> members) {
    if (members.size() > RingLimits.NODES_PER_RING_MAX) {
      throw new IllegalArgumentException(
          "membership has "
              + members.size()
              + " nodes, limit NODES_PER_RING_MAX is "
              + RingLimits.NODES_PER_RING_MAX);
    }
    Member[] sorted = members.toArray(new Member[0]);
    for (Member m : sorted) {
      if (m == null) {
        throw new IllegalArgumentException("membership must not contain null members");
      }
    }
    // Node ids are ASCII, so String order is the unsigned byte order the spec fixes.
    Arrays.sort(sorted, (a, b) -> a.id().compareTo(b.id()));
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i].id().equals(sorted[i - 1].id())) {
        throw new IllegalArgumentException("member.id " + sorted[i].id() + " appears twice");
      }
    }
    return new Membership(sorted);
  }

  /** Builds a membership of the given members. */
  public static Membership of(Member... members) {
    return of(Arrays.asList(members));
  }

  /** Number of members. */
  public int size() {
    return members.length;
  }

  /** True when there are no members. */
  public boolean isEmpty() {
    return members.length == 0;
  }

  /** The member at {@code index}. */
  public Member member(int index) {
    return members[index];
  }

  /** The id of the member at {@code index}. */
  public String id(int index) {
    return ids[index];
  }

  /** The weight of the member at {@code index}, in thousandths of a capacity unit. */
  public long weightMilli(int index) {
    return members[index].weightMilli();
  }

  /** XXH3-64 of the member's id: the member's identity in every hash of the spec. */
  long idHash(int index) {
    return idHashes[index];
  }

  /** Sum of all members' weights, in thousandths of a capacity unit. */
  public long totalWeightMilli() {
    return totalWeightMilli;
  }

  /** The index of the member with this id, or -1. */
  public int indexOf(String id) {
    int lo = 0;
    int hi = ids.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = ids[mid].compareTo(id);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** True when a member has this id. */
  public boolean contains(String id) {
    return indexOf(id) >= 0;
  }

  /** The members, sorted by id. */
  public List<Member> members() {
    return Collections.unmodifiableList(Arrays.asList(members));
  }

  /** A membership with {@code member} added, or its weight replaced if its id is present. */
  public Membership with(Member member) {
    List<Member> next = new ArrayList<>(members.length + 1);
    for (Member m : members) {
      if (!m.id().equals(member.id())) {
        next.add(m);
      }
    }
    next.add(member);
    return of(next);
  }

  /** A membership without the member of this id (unchanged if absent). */
  public Membership without(String id) {
    List<Member> next = new ArrayList<>(members.length);
    for (Member m : members) {
      if (!m.id().equals(id)) {
        next.add(m);
      }
    }
    return of(next);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Membership other && Arrays.equals(members, other.members);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(members);
  }

  @Override
  public String toString() {
    return Arrays.toString(members);
  }
}
