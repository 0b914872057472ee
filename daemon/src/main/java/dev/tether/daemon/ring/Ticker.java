package dev.tether.daemon.ring;

/** A monotonic clock in nanoseconds, injected so that tests can step time (Caffeine's Ticker). */
@FunctionalInterface
public interface Ticker {
  long nanos();

  static Ticker system() {
    return System::nanoTime;
  }
}
