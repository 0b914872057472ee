package dev.tether.client;

import java.util.Random;

/**
 * Exponential backoff with "equal jitter": before retry {@code n} (1-based) the delay is drawn
 * uniformly from {@code [cap/2, cap]} with {@code cap = min(max, base * 2^(n-1))}. The floor of
 * {@code cap/2} keeps every retry loop from spinning; the jitter spreads clients that failed
 * together.
 */
final class Backoff {
  private final long baseNanos;
  private final long maxNanos;
  private final Random random;

  Backoff(long baseNanos, long maxNanos, Random random) {
    this.baseNanos = baseNanos;
    this.maxNanos = maxNanos;
    this.random = random;
  }

  /** The delay before retry {@code retry} (1 for the first retry). */
  long delayNanos(int retry) {
    int doublings = Math.min(Math.max(retry - 1, 0), 40);
    long cap = baseNanos;
    for (int i = 0; i < doublings && cap < maxNanos; i++) {
      cap *= 2;
    }
    cap = Math.min(cap, maxNanos);
    long half = cap / 2;
    // java.util.Random is thread-safe, and seeded it makes single-threaded tests repeatable.
    return half + (long) (random.nextDouble() * (cap - half + 1));
  }

  long maxNanos() {
    return maxNanos;
  }
}
