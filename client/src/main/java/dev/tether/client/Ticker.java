package dev.tether.client;

/**
 * A source of monotonic time in nanoseconds, read for deadlines, backoff and leases. Production
 * code uses {@link #system()}; tests inject a fake that they advance by hand.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds since an arbitrary, fixed origin; never decreases. */
  long read();

  /** The ticker of {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
