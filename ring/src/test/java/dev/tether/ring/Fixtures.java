package dev.tether.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/** Seeded inputs shared by the ring tests. */
final class Fixtures {
  private Fixtures() {}

  /** {@code n} members {@code n0..n(n-1)} of one capacity unit each. */
  static Membership equal(int n) {
    List<Member> members = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      members.add(Member.ofUnits("n" + i, 1));
    }
    return Membership.of(members);
  }

  /** Members with the given capacity units, named {@code n0..}. */
  static Membership weighted(int... units) {
    List<Member> members = new ArrayList<>(units.length);
    for (int i = 0; i < units.length; i++) {
      members.add(Member.ofUnits("n" + i, units[i]));
    }
    return Membership.of(members);
  }

  /** A random membership: 1..maxNodes members, random ids, weights often equal. */
  static Membership random(SplittableRandom rnd, int maxNodes) {
    int n = 1 + rnd.nextInt(maxNodes);
    List<Member> members = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      members.add(new Member("node-" + rnd.nextInt(1_000_000) + "-" + i, randomWeight(rnd)));
    }
    return Membership.of(members);
  }

  /** A weight that is a whole unit half the time, otherwise any valid milli weight. */
  static long randomWeight(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0, 1 -> 1000;
      case 2 -> 1000L * (1 + rnd.nextInt(16));
      default -> 1 + rnd.nextLong(RingLimits.WEIGHT_MILLI_MAX);
    };
  }

  /** A seeded random UUID string. */
  static String uuid(SplittableRandom rnd) {
    return new UUID(rnd.nextLong(), rnd.nextLong()).toString();
  }

  /** {@code count} seeded random UUID strings. */
  static List<String> uuids(SplittableRandom rnd, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(uuid(rnd));
    }
    return ids;
  }

  /** A random change to {@code m}: join, leave or weight change. */
  static MembershipChange randomChange(SplittableRandom rnd, Membership m, int maxNodes) {
    int choice = m.size() <= 1 ? 0 : m.size() >= maxNodes ? 1 + rnd.nextInt(2) : rnd.nextInt(3);
    return switch (choice) {
      case 0 -> new MembershipChange.Join("j-" + rnd.nextInt(1_000_000), randomWeight(rnd));
      case 1 -> new MembershipChange.Leave(m.id(rnd.nextInt(m.size())));
      default -> new MembershipChange.Weight(m.id(rnd.nextInt(m.size())), randomWeight(rnd));
    };
  }
}
