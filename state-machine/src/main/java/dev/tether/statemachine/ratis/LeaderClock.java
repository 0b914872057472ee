package dev.tether.statemachine.ratis;

/**
 * The leader's wall clock, read only when the leader stamps a log entry. Injected so that tests
 * step time by hand (Caffeine's {@code Ticker} pattern).
 */
@FunctionalInterface
public interface LeaderClock {
  /** Milliseconds since the epoch. */
  long nowMs();

  /** The system clock. */
  static LeaderClock system() {
    return System::currentTimeMillis;
  }
}
