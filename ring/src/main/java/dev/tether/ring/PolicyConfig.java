package dev.tether.ring;

/**
 * How a ring places sessions: the algorithm and its parameter.
 *
 * @param kind the algorithm
 * @param vnodesPerUnit virtual nodes per capacity unit (vnode-ring only; kept for slot-table so a
 *     policy can be switched back), {@link RingLimits#VNODES_PER_UNIT_MIN} to {@link
 *     RingLimits#VNODES_PER_UNIT_MAX}
 */
public record PolicyConfig(PolicyKind kind, int vnodesPerUnit) {
  /** The default policy: slot-table. */
  public static final PolicyConfig DEFAULT =
      new PolicyConfig(PolicyKind.SLOT_TABLE, RingLimits.VNODES_PER_UNIT_DEFAULT);

  /** Checks the fields. */
  public PolicyConfig {
    if (kind == null) {
      throw new IllegalArgumentException("policy.kind must be set");
    }
    checkVnodes(vnodesPerUnit);
  }

  /** A vnode-ring policy with this many virtual nodes per capacity unit. */
  public static PolicyConfig vnodeRing(int vnodesPerUnit) {
    return new PolicyConfig(PolicyKind.VNODE_RING, vnodesPerUnit);
  }

  static void checkVnodes(int vnodesPerUnit) {
    if (vnodesPerUnit < RingLimits.VNODES_PER_UNIT_MIN
        || vnodesPerUnit > RingLimits.VNODES_PER_UNIT_MAX) {
      throw new IllegalArgumentException(
          "policy.vnodes_per_unit is "
              + vnodesPerUnit
              + ", must be in [VNODES_PER_UNIT_MIN="
              + RingLimits.VNODES_PER_UNIT_MIN
              + ", VNODES_PER_UNIT_MAX="
              + RingLimits.VNODES_PER_UNIT_MAX
              + "]");
    }
  }
}
