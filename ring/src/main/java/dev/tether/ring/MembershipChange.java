package dev.tether.ring;

/** A what-if change to a membership: join, leave, drain or a weight change. */
public sealed interface MembershipChange {
  /** The membership after the change. */
  Membership apply(Membership before);

  /** A short description for reports, such as {@code join n4:2}. */
  String describe();

  /** A node joins with a ring weight. */
  record Join(String id, long weightMilli) implements MembershipChange {
    @Override
    public Membership apply(Membership before) {
      if (before.contains(id)) {
        throw new IllegalArgumentException("join: node " + id + " is already a member");
      }
      return before.with(new Member(id, weightMilli));
    }

    @Override
    public String describe() {
      return "join " + id + ":" + weightMilli / (double) RingLimits.WEIGHT_SCALE;
    }
  }

  /** A node leaves: it stops owning hash space (its pinned sessions are rehomed elsewhere). */
  record Leave(String id) implements MembershipChange {
    @Override
    public Membership apply(Membership before) {
      requireMember(before, id, "leave");
      return before.without(id);
    }

    @Override
    public String describe() {
      return "leave " + id;
    }
  }

  /**
   * A node drains: it stops taking new sessions, so it leaves the placement; unlike a leave its
   * pinned sessions stay until its drain deadline.
   */
  record Drain(String id) implements MembershipChange {
    @Override
    public Membership apply(Membership before) {
      requireMember(before, id, "drain");
      return before.without(id);
    }

    @Override
    public String describe() {
      return "drain " + id;
    }
  }

  /** A node's weight changes. */
  record Weight(String id, long weightMilli) implements MembershipChange {
    @Override
    public Membership apply(Membership before) {
      requireMember(before, id, "weight");
      return before.with(new Member(id, weightMilli));
    }

    @Override
    public String describe() {
      return "weight " + id + "=" + weightMilli / (double) RingLimits.WEIGHT_SCALE;
    }
  }

  private static void requireMember(Membership m, String id, String verb) {
    if (!m.contains(id)) {
      throw new IllegalArgumentException(verb + ": node " + id + " is not a member");
    }
  }
}
