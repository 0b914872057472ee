package dev.tether.chaos.history;

/**
 * A node record as one daemon's replica showed it.
 *
 * @param nanos when it was read, nanoseconds since the run started
 * @param daemon the daemon that answered
 * @param node the node id
 * @param state JOINING, ACTIVE, DRAINING, LEFT or DOWN
 * @param stateChangedNanos when the leader changed the state, converted from its wall clock to
 *     nanoseconds since the run started
 */
public record NodeSample(
    long nanos, String daemon, String node, String state, long stateChangedNanos) {}
