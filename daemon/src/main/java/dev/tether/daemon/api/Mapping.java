package dev.tether.daemon.api;

import dev.tether.api.v1.MigrationReason;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NodeState;
import dev.tether.api.v1.OwnerAnswer;
import dev.tether.api.v1.PlacementPolicy;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.Session;
import dev.tether.api.v1.Staleness;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.Placement;
import dev.tether.proto.internal.RingPolicy;
import dev.tether.proto.internal.SessionRecord;
import dev.tether.ring.RingLimits;
import dev.tether.statemachine.core.Validate;

/** Conversions between the internal records and the public API messages. */
final class Mapping {
  private Mapping() {}

  static Node node(NodeRecord n) {
    return Node.newBuilder()
        .setId(n.getId())
        .setAddress(n.getAddress())
        .setZone(n.getZone())
        .setWeight(n.getWeight())
        .putAllLabels(n.getLabelsMap())
        .setState(NodeState.forNumber(n.getStateValue()))
        .setSessionCount(n.getSessionCount())
        .setEffectiveWeightMilli(n.getEffectiveWeightMilli())
        .setJoinedAtMs(n.getJoinedAtMs())
        .setDrainDeadlineMs(n.getDrainDeadlineMs())
        .setStateChangedMs(n.getStateChangedMs())
        .build();
  }

  static Session session(String id, SessionRecord s, NodeRecord owner) {
    Session.Builder b =
        Session.newBuilder()
            .setId(id)
            .setFencingToken(s.getFencingToken())
            .setStateVersion(s.getStateVersion())
            .setStateBytes(s.getStateBytes())
            .setCreatedMs(s.getCreatedMs())
            .setTouchedMs(s.getTouchedMs())
            .setTtlMs(s.getTtlMs())
            .setLastMigration(MigrationReason.forNumber(s.getReasonValue()));
    if (owner != null) {
      b.setOwner(node(owner));
    } else {
      b.setOwner(Node.newBuilder().setId(s.getOwner()));
    }
    return b.build();
  }

  static OwnerAnswer answer(
      dev.tether.proto.internal.OwnerAnswer a,
      long epoch,
      long appliedIndex,
      boolean authoritative,
      Staleness staleness) {
    OwnerAnswer.Builder b =
        OwnerAnswer.newBuilder()
            .setSessionId(a.getSessionId())
            .setPinned(a.getPinned())
            .setFencingToken(a.getFencingToken())
            .setRingEpoch(epoch)
            .setAppliedIndex(appliedIndex)
            .setAuthoritative(authoritative)
            .setPendingRehome(a.getPendingRehome());
    if (!a.getNoOwner()) {
      b.setOwner(node(a.getOwner()));
    }
    if (!authoritative && staleness != null) {
      b.setStaleness(staleness);
    }
    return b.build();
  }

  static Policy policy(RingPolicy p) {
    return Policy.newBuilder()
        .setPlacement(
            p.getPlacement() == Placement.PLACEMENT_VNODE_RING
                ? PlacementPolicy.PLACEMENT_POLICY_VNODE_RING
                : PlacementPolicy.PLACEMENT_POLICY_SLOT_TABLE)
        .setVnodesPerUnit(p.getVnodesPerUnit())
        .setBalanceFactor(p.getBalancePermille() / 1000.0)
        .setLeaseTtlMs(p.getLeaseTtlMs())
        .setSessionIdleTtlMs(p.getSessionIdleTtlMs())
        .setWarmupMs(p.getWarmupMs())
        .setWarmupSteps(p.getWarmupSteps())
        .setDrainDeadlineMs(p.getDrainDeadlineMs())
        .setRehomePerSecond(p.getRehomePerSecond())
        .setStateBytesMax(p.getStateBytesMax())
        .build();
  }

  /**
   * {@code base} with the fields set in {@code update} replaced, validated.
   *
   * @throws IllegalArgumentException naming the field and its limit
   */
  static RingPolicy merge(RingPolicy base, Policy update, String field) {
    RingPolicy.Builder b = base.toBuilder();
    if (update.hasPlacement()) {
      b.setPlacement(
          switch (update.getPlacement()) {
            case PLACEMENT_POLICY_VNODE_RING -> Placement.PLACEMENT_VNODE_RING;
            case PLACEMENT_POLICY_SLOT_TABLE, PLACEMENT_POLICY_UNSPECIFIED ->
                Placement.PLACEMENT_SLOT_TABLE;
            default -> throw new IllegalArgumentException(field + ".placement is unknown");
          });
    }
    if (update.hasVnodesPerUnit()) {
      b.setVnodesPerUnit(update.getVnodesPerUnit());
    }
    if (update.hasBalanceFactor()) {
      double f = update.getBalanceFactor();
      if (!(f >= 1.0 && f <= 10.0)) {
        throw new IllegalArgumentException(
            field
                + ".balance_factor is "
                + f
                + ", must be in [1.0, 10.0] (BALANCE_PERMILLE_MAX/1000)");
      }
      b.setBalancePermille((int) Math.round(f * 1000));
    }
    if (update.hasLeaseTtlMs()) {
      b.setLeaseTtlMs(update.getLeaseTtlMs());
    }
    if (update.hasSessionIdleTtlMs()) {
      b.setSessionIdleTtlMs(update.getSessionIdleTtlMs());
    }
    if (update.hasWarmupMs()) {
      b.setWarmupMs(update.getWarmupMs());
    }
    if (update.hasWarmupSteps()) {
      b.setWarmupSteps(update.getWarmupSteps());
    }
    if (update.hasDrainDeadlineMs()) {
      b.setDrainDeadlineMs(update.getDrainDeadlineMs());
    }
    if (update.hasRehomePerSecond()) {
      b.setRehomePerSecond(update.getRehomePerSecond());
    }
    if (update.hasStateBytesMax()) {
      b.setStateBytesMax(update.getStateBytesMax());
    }
    RingPolicy merged = b.build();
    Validate.policy(field, merged);
    return merged;
  }

  /** The default policy of a new ring. */
  static RingPolicy defaults() {
    return Validate.defaultPolicy();
  }

  static int weightOrOne(int weight) {
    return weight == 0 ? 1 : Math.min(weight, RingLimits.CAPACITY_UNITS_MAX + 1);
  }
}
