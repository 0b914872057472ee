package dev.tether.ring;

/**
 * An immutable mapping from session hashes to the members of one membership. Lookups are
 * allocation-free; {@link #next} derives the placement of a changed membership.
 */
public sealed interface Placement permits SlotTable, VnodeRing {
  /** Builds the placement of {@code membership} under {@code policy} from scratch. */
  static Placement build(PolicyConfig policy, Membership membership) {
    return switch (policy.kind()) {
      case SLOT_TABLE -> SlotTable.build(membership);
      case VNODE_RING -> VnodeRing.build(membership, policy.vnodesPerUnit());
    };
  }

  /** The algorithm of this placement. */
  PolicyKind kind();

  /** The members that sessions are placed on. */
  Membership membership();

  /** The index of the member owning {@code keyHash}, or -1 when the membership is empty. */
  int ownerIndex(long keyHash);

  /** The id of the member owning {@code sessionId}, or {@code null} when there are no members. */
  default String ownerOf(CharSequence sessionId) {
    int index = ownerIndex(SessionHash.of(sessionId));
    return index < 0 ? null : membership().id(index);
  }

  /** The exact fraction of the 64-bit hash space that the member at {@code index} owns. */
  double share(int index);

  /**
   * The unsigned starts of the hash-space segments on which the owner is constant; every segment
   * boundary is among them (used by {@link PlacementDiff}).
   */
  long[] segmentStarts();

  /**
   * The placement of {@code next}, derived from this one with as few moves as the policy allows.
   */
  Placement next(Membership next);

  /**
   * The member that the {@code probe}-th probe of {@code keyHash} lands on (see {@link Probes}).
   */
  default int probeOwner(long keyHash, int probe) {
    return ownerIndex(probe == 0 ? keyHash : Mix.probeHash(keyHash, probe));
  }
}
