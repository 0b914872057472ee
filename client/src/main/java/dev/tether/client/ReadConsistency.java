package dev.tether.client;

import dev.tether.api.v1.Consistency;

/** How fresh a read must be (DESIGN.md section 5). */
public enum ReadConsistency {
  /**
   * Confirmed with a majority of the ring's daemons: the answer is authoritative, or the call fails
   * with an {@link UnavailableException} carrying the daemon's last known answer.
   */
  LINEARIZABLE(Consistency.CONSISTENCY_LINEARIZABLE),
  /** The answering daemon's applied state, at once, flagged {@code authoritative=false}. */
  STALE(Consistency.CONSISTENCY_STALE);

  private final Consistency proto;

  ReadConsistency(Consistency proto) {
    this.proto = proto;
  }

  Consistency toProto() {
    return proto;
  }
}
