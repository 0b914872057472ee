package dev.tether.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when a test advances it. */
final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  void advanceNanos(long d) {
    nanos.addAndGet(d);
  }

  /** Moves to {@code at} if that is later. */
  void moveTo(long at) {
    nanos.accumulateAndGet(at, Math::max);
  }

  /** A sleeper that advances this ticker instead of sleeping, and records every pause. */
  Sleeper sleeper(java.util.List<Long> pauses) {
    return delay -> {
      pauses.add(delay);
      advanceNanos(delay);
    };
  }
}
