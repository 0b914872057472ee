package dev.tether.statemachine.core;

import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;

/**
 * The deterministic core of one Raft group: a ring group ({@link RingCore}) or the region group.
 */
public interface GroupCore {
  /** Applies one log entry; see {@link RingCore#apply}. */
  RingCore.Applied apply(CommandBatch batch, long index, long term);

  /** Answers a read-only query from the applied state. */
  QueryResult query(Query query, long appliedIndex);

  /** Reloads in-memory state after the store was replaced. */
  void reload();

  /**
   * Cheap consistency checks of the in-memory state, run before a snapshot is written and after one
   * is read.
   *
   * @throws InvariantViolation when the state is inconsistent
   */
  void checkSummary();
}
