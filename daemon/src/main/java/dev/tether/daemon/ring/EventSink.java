package dev.tether.daemon.ring;

import dev.tether.statemachine.core.Event;
import java.util.List;

/** Receives what the ring groups applied, on the apply thread: must return quickly. */
public interface EventSink {
  /** A ring group applied entry {@code index}. */
  void ringApplied(String ring, long index, List<Event> events);

  /** A ring group's state was replaced by an installed snapshot. */
  void ringReloaded(String ring, long index);
}
