package dev.tether.client;

/** Waits between retries; tests replace it to advance a fake ticker instead of sleeping. */
@FunctionalInterface
interface Sleeper {
  /** Sleeps about {@code nanos} nanoseconds. */
  void sleep(long nanos) throws InterruptedException;

  /** The sleeper of {@link Thread#sleep}. */
  static Sleeper system() {
    return nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }
}
