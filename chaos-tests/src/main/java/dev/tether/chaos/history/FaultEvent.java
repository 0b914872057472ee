package dev.tether.chaos.history;

import java.util.List;

/**
 * One fault as it was applied: when it started and ended, and which daemons it cut off.
 *
 * @param id order of the fault in the run
 * @param name the nemesis, e.g. {@code isolate-leader}
 * @param detail what exactly was done (the partition's sides, the loss rate, the node drained)
 * @param startNanos when the fault was in force, nanoseconds since the run started
 * @param endNanos when it was healed (the run's end when never healed)
 * @param isolated daemons that could not reach a majority while the fault was in force
 * @param stopped daemons killed or paused by the fault (down until its end)
 * @param leaderTargeted true when the fault hit the ring leader of its start time
 */
public record FaultEvent(
    int id,
    String name,
    String detail,
    long startNanos,
    long endNanos,
    List<String> isolated,
    List<String> stopped,
    boolean leaderTargeted) {

  /** True while the fault was in force at {@code nanos}. */
  public boolean covers(long nanos) {
    return nanos >= startNanos && nanos < endNanos;
  }

  /** True when the fault was in force for the whole of {@code [from, to]}. */
  public boolean coversAll(long from, long to) {
    return from >= startNanos && to <= endNanos;
  }

  /** True when the fault touched the majority: a leader change was expected. */
  public boolean disruptsMajority() {
    return leaderTargeted;
  }
}
