package dev.tether.statemachine.core;

import dev.tether.proto.internal.Activate;
import dev.tether.proto.internal.AdvanceWarmup;
import dev.tether.proto.internal.Drain;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.ExpireNode;
import dev.tether.proto.internal.Join;
import dev.tether.proto.internal.Leave;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.NodeResult;
import dev.tether.proto.internal.NodeState;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.SetWeight;
import dev.tether.ring.RingLimits;
import dev.tether.ring.WarmUp;

/** The membership commands of a ring group: one method per command. */
final class NodeCommands {
  private final RingState state;

  NodeCommands(RingState state) {
    this.state = state;
  }

  Result.Builder join(Join cmd, ApplyContext ctx) {
    check(
        () -> {
          Validate.nodeId("join.node_id", cmd.getNodeId());
          Validate.address("join.address", cmd.getAddress());
          Validate.text("join.zone", cmd.getZone(), Limits.ZONE_BYTES_MAX, "ZONE_BYTES_MAX");
          Validate.weight("join.weight", cmd.getWeight());
          Validate.labels("join.labels", cmd.getLabelsMap());
          if (cmd.hasWarmupMs()) {
            Validate.range(
                "join.warmup_ms", cmd.getWarmupMs(), 0, Limits.WARMUP_MS_MAX, "WARMUP_MS_MAX");
          }
        });
    NodeEntry existing = state.node(cmd.getNodeId());
    if (existing == null && state.nodeCount() >= Limits.NODES_PER_RING_MAX) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_LIMIT_EXCEEDED,
          "ring has "
              + state.nodeCount()
              + " nodes, limit NODES_PER_RING_MAX is "
              + Limits.NODES_PER_RING_MAX);
    }
    if (existing != null && existing.state() == NodeState.NODE_STATE_DRAINING) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
          "node " + cmd.getNodeId() + " is draining; it can join again after it leaves");
    }
    NodeRecord.Builder b;
    boolean rejoin =
        existing == null
            || existing.state() == NodeState.NODE_STATE_DOWN
            || existing.state() == NodeState.NODE_STATE_LEFT;
    if (rejoin) {
      long warmup = cmd.hasWarmupMs() ? cmd.getWarmupMs() : state.meta().getPolicy().getWarmupMs();
      b =
          (existing == null ? NodeRecord.newBuilder() : existing.record.toBuilder())
              .setId(cmd.getNodeId())
              .setJoinedAtMs(ctx.now())
              .setWarmupMs(warmup)
              .setDrainDeadlineMs(0)
              .setStateIndex(ctx.index())
              .setStateChangedMs(ctx.now())
              .setState(warmup == 0 ? NodeState.NODE_STATE_ACTIVE : NodeState.NODE_STATE_JOINING);
    } else {
      b = existing.record.toBuilder();
    }
    b.setAddress(cmd.getAddress())
        .setZone(cmd.getZone())
        .setWeight(cmd.getWeight())
        .clearLabels()
        .putAllLabels(cmd.getLabelsMap());
    b.setEffectiveWeightMilli(effectiveWeight(b, ctx.now()));
    NodeEntry entry = existing != null ? existing : new NodeEntry(b.build());
    NodeRecord before = existing == null ? null : existing.record;
    entry.record = b.build();
    state.putNode(entry);
    if (before == null || !before.equals(entry.record)) {
      changed(entry, ctx, before == null || weightOrStateChanged(before, entry.record));
    }
    return nodeResult(entry);
  }

  Result.Builder activate(Activate cmd, ApplyContext ctx) {
    NodeEntry n = existing("activate.node_id", cmd.getNodeId());
    if (n.state() == NodeState.NODE_STATE_ACTIVE) {
      return nodeResult(n);
    }
    requireState(n, NodeState.NODE_STATE_JOINING, "activate");
    setState(n, NodeState.NODE_STATE_ACTIVE, ctx);
    n.record = n.record.toBuilder().setEffectiveWeightMilli(fullWeight(n.record)).build();
    changed(n, ctx, true);
    return nodeResult(n);
  }

  Result.Builder advanceWarmup(AdvanceWarmup cmd, ApplyContext ctx) {
    NodeEntry n = existing("advance_warmup.node_id", cmd.getNodeId());
    requireState(n, NodeState.NODE_STATE_JOINING, "advance_warmup");
    NodeRecord.Builder b = n.record.toBuilder();
    long weight = effectiveWeight(b, ctx.now());
    boolean done = ctx.now() - n.record.getJoinedAtMs() >= n.record.getWarmupMs();
    if (weight == n.record.getEffectiveWeightMilli() && !done) {
      return nodeResult(n);
    }
    n.record = b.setEffectiveWeightMilli(weight).build();
    if (done) {
      setState(n, NodeState.NODE_STATE_ACTIVE, ctx);
    }
    state.putNode(n);
    changed(n, ctx, true);
    return nodeResult(n);
  }

  Result.Builder drain(Drain cmd, ApplyContext ctx) {
    NodeEntry n = existing("drain.node_id", cmd.getNodeId());
    long deadline =
        cmd.hasDeadlineMs() ? cmd.getDeadlineMs() : state.meta().getPolicy().getDrainDeadlineMs();
    check(
        () ->
            Validate.range(
                "drain.deadline_ms",
                deadline,
                0,
                Limits.DRAIN_DEADLINE_MS_MAX,
                "DRAIN_DEADLINE_MS_MAX"));
    if (n.state() != NodeState.NODE_STATE_DRAINING) {
      requireState(n, NodeState.NODE_STATE_ACTIVE, "drain", NodeState.NODE_STATE_JOINING);
      setState(n, NodeState.NODE_STATE_DRAINING, ctx);
    }
    n.record =
        n.record.toBuilder()
            .setDrainDeadlineMs(ctx.now() + deadline)
            .setEffectiveWeightMilli(0)
            .build();
    changed(n, ctx, true);
    return nodeResult(n);
  }

  Result.Builder leave(Leave cmd, ApplyContext ctx) {
    NodeEntry n = existing("leave.node_id", cmd.getNodeId());
    if (n.state() == NodeState.NODE_STATE_LEFT) {
      return nodeResult(n);
    }
    setState(n, NodeState.NODE_STATE_LEFT, ctx);
    n.record = n.record.toBuilder().setEffectiveWeightMilli(0).build();
    changed(n, ctx, true);
    Result.Builder result = nodeResult(n);
    if (n.sessions == 0) {
      removeNode(n, ctx);
    }
    return result;
  }

  Result.Builder setWeight(SetWeight cmd, ApplyContext ctx) {
    check(() -> Validate.weight("set_weight.weight", cmd.getWeight()));
    NodeEntry n = existing("set_weight.node_id", cmd.getNodeId());
    if (n.state() == NodeState.NODE_STATE_LEFT) {
      throw new Rejection(ErrorCode.ERROR_CODE_FAILED_PRECONDITION, "node " + n.id() + " has left");
    }
    NodeRecord.Builder b = n.record.toBuilder().setWeight(cmd.getWeight());
    if (n.inPlacement()) {
      b.setEffectiveWeightMilli(effectiveWeight(b, ctx.now()));
    }
    n.record = b.build();
    changed(n, ctx, true);
    return nodeResult(n);
  }

  Result.Builder expireNode(ExpireNode cmd, ApplyContext ctx) {
    ctx.requireIssuerTerm(cmd.getIssuerTerm(), "expire_node");
    NodeEntry n = existing("expire_node.node_id", cmd.getNodeId());
    requireState(
        n,
        NodeState.NODE_STATE_ACTIVE,
        "expire_node",
        NodeState.NODE_STATE_JOINING,
        NodeState.NODE_STATE_DRAINING);
    if (cmd.getStateIndex() != 0 && cmd.getStateIndex() != n.record.getStateIndex()) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
          "expire_node: node "
              + n.id()
              + " changed state at index "
              + n.record.getStateIndex()
              + ", after the expiry was decided at state index "
              + cmd.getStateIndex());
    }
    setState(n, NodeState.NODE_STATE_DOWN, ctx);
    n.record = n.record.toBuilder().setEffectiveWeightMilli(0).build();
    changed(n, ctx, true);
    ctx.events().add(new Event.LeaseExpired(n.id()));
    return nodeResult(n);
  }

  /** Deletes a LEFT node that owns nothing any more. */
  void removeNode(NodeEntry n, ApplyContext ctx) {
    InvariantViolation.check(
        n.sessions == 0, "removing node %s with %d sessions", n.id(), n.sessions);
    state.removeNode(n.id());
    ctx.events().add(new Event.NodeChanged(n.id(), null));
  }

  private NodeEntry existing(String field, String id) {
    check(() -> Validate.nodeId(field, id));
    NodeEntry n = state.node(id);
    if (n == null) {
      throw Rejection.notFound("node " + id + " is not in the ring");
    }
    return n;
  }

  private static void requireState(
      NodeEntry n, NodeState wanted, String command, NodeState... alsoOk) {
    if (n.state() == wanted) {
      return;
    }
    for (NodeState ok : alsoOk) {
      if (n.state() == ok) {
        return;
      }
    }
    throw new Rejection(
        ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
        command + ": node " + n.id() + " is " + StateNames.of(n.state()));
  }

  private void setState(NodeEntry n, NodeState s, ApplyContext ctx) {
    n.record =
        n.record.toBuilder()
            .setState(s)
            .setStateIndex(ctx.index())
            .setStateChangedMs(ctx.now())
            .build();
  }

  private void changed(NodeEntry n, ApplyContext ctx, boolean placementMayChange) {
    state.putNode(n);
    if (placementMayChange) {
      state.placementChanged(ctx.index(), false);
    } else {
      state.viewChanged(ctx.index());
    }
    ctx.events().add(new Event.NodeChanged(n.id(), n.toRecord()));
    ctx.events().add(new Event.RingChanged(ctx.index()));
  }

  private static boolean weightOrStateChanged(NodeRecord a, NodeRecord b) {
    return a.getState() != b.getState()
        || a.getEffectiveWeightMilli() != b.getEffectiveWeightMilli();
  }

  private long effectiveWeight(NodeRecord.Builder b, long now) {
    if (b.getState() == NodeState.NODE_STATE_ACTIVE) {
      return b.getWeight() * RingLimits.WEIGHT_SCALE;
    }
    if (b.getState() != NodeState.NODE_STATE_JOINING) {
      return 0;
    }
    return WarmUp.effectiveWeightMilli(
        b.getWeight(),
        now - b.getJoinedAtMs(),
        b.getWarmupMs(),
        state.meta().getPolicy().getWarmupSteps());
  }

  private static long fullWeight(NodeRecord r) {
    return r.getWeight() * RingLimits.WEIGHT_SCALE;
  }

  private static Result.Builder nodeResult(NodeEntry n) {
    return Result.newBuilder()
        .setNode(NodeResult.newBuilder().setNodeId(n.id()).setNode(n.toRecord()));
  }

  /** Runs field checks, turning their errors into INVALID_ARGUMENT rejections. */
  static void check(Runnable checks) {
    try {
      checks.run();
    } catch (IllegalArgumentException e) {
      throw Rejection.invalid(e.getMessage());
    }
  }
}
