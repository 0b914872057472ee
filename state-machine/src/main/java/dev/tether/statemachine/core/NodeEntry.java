package dev.tether.statemachine.core;

import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.NodeState;

/** A node record held in memory with its session count, which changes on most commands. */
final class NodeEntry {
  NodeRecord record;
  long sessions;
  boolean dirty;

  NodeEntry(NodeRecord record) {
    this.record = record;
    this.sessions = record.getSessionCount();
  }

  String id() {
    return record.getId();
  }

  NodeState state() {
    return record.getState();
  }

  /** The record as stored, with the current session count. */
  NodeRecord toRecord() {
    return record.getSessionCount() == sessions
        ? record
        : record.toBuilder().setSessionCount(sessions).build();
  }

  /** True while the node takes new sessions: JOINING or ACTIVE. */
  boolean inPlacement() {
    return (record.getState() == NodeState.NODE_STATE_JOINING
            || record.getState() == NodeState.NODE_STATE_ACTIVE)
        && record.getEffectiveWeightMilli() > 0;
  }

  /** True when the node's sessions are due to move at leader time {@code now}. */
  boolean owesRehome(long now) {
    return switch (record.getState()) {
      case NODE_STATE_DOWN, NODE_STATE_LEFT -> true;
      case NODE_STATE_DRAINING -> now >= record.getDrainDeadlineMs();
      default -> false;
    };
  }
}
