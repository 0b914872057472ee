package dev.tether.statemachine.core;

import java.util.List;

/**
 * What a handler knows about the log entry it applies: its index and term, the clamped leader time,
 * and where to report events.
 */
record ApplyContext(long index, long term, long now, List<Event> events) {
  /** Rejects a leader duty issued in another term (a deposed leader's lessor or reaper). */
  void requireIssuerTerm(long issuerTerm, String command) {
    if (issuerTerm != term) {
      throw new Rejection(
          dev.tether.proto.internal.ErrorCode.ERROR_CODE_STALE_ISSUER,
          command + " was issued in term " + issuerTerm + " but applied in term " + term);
    }
  }
}
