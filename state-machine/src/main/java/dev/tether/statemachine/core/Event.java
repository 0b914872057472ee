package dev.tether.statemachine.core;

import dev.tether.proto.internal.MigrationReason;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.SessionRecord;

/**
 * Something an applied command changed, reported to the adapter after the entry commits (for watch
 * streams and metrics). Events are derived data: every replica produces the same ones.
 */
public sealed interface Event {
  /** The ring's membership or policy changed; {@code epoch} is the new ring epoch. */
  record RingChanged(long epoch) implements Event {}

  /** A node record changed; {@code node} is {@code null} when the record was deleted. */
  record NodeChanged(String nodeId, NodeRecord node) implements Event {}

  /** A node's lease expired and it went DOWN. */
  record LeaseExpired(String nodeId) implements Event {}

  /**
   * A session was opened, moved or closed. {@code session} is {@code null} when it was closed or
   * expired; {@code previousOwner} is empty when it was created; {@code reason} says why an owner
   * changed ({@code UNSPECIFIED} for a plain open or close).
   */
  record SessionChanged(
      String sessionId,
      SessionRecord session,
      String previousOwner,
      MigrationReason reason,
      boolean expired)
      implements Event {}

  /** The region catalog changed (rings or daemons). */
  record CatalogChanged(long epoch) implements Event {}
}
