package dev.tether.statemachine.ratis;

import dev.tether.statemachine.core.Event;
import java.util.List;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * Told about every committed entry of a group, on the apply thread, after the store committed.
 * Implementations must return quickly (hand the events to another thread).
 */
public interface ApplyListener {
  /** Nothing listens. */
  ApplyListener NONE = (group, index, events) -> {};

  /** Entry {@code index} of {@code group} was applied and produced {@code events}. */
  void applied(RaftGroupId group, long index, List<Event> events);

  /** The group's state was replaced by an installed snapshot at {@code index}. */
  default void reloaded(RaftGroupId group, long index) {}
}
