package dev.tether.client;

import java.time.Duration;

/**
 * The lease arithmetic of a node agent, with no clock of its own: times are ticker nanoseconds
 * passed in.
 *
 * <p>The leader renews a lease some time after the agent sent the request, and the lease then lasts
 * {@code ttl} from that renewal. So a renewal confirmed for a request sent at {@code t} covers the
 * node at least until {@code t + ttl} on the leader's clock. The agent stops serving (fences) at
 * {@code t + ttl - margin}, measured from the send time of the last confirmed request; the margin
 * absorbs clock-rate drift and the time the application needs to stop.
 */
final class Lease {
  private static final long MARGIN_FLOOR_NANOS = ClientLimits.FENCE_MARGIN_FLOOR.toNanos();

  /** The configured margin, or -1 for the default rule. */
  private final long configuredMarginNanos;

  private long ttlNanos = ClientLimits.LEASE_TTL_DEFAULT.toNanos();
  private long confirmedSentAt;
  private boolean confirmed;

  Lease(Duration configuredMargin) {
    this.configuredMarginNanos = configuredMargin == null ? -1 : configuredMargin.toNanos();
  }

  /** Sets the TTL a daemon reported. */
  void ttl(long nanos) {
    ttlNanos = nanos;
  }

  long ttlNanos() {
    return ttlNanos;
  }

  /** True when the configured margin does not fit the TTL, so the default rule is used. */
  boolean marginIgnored() {
    return configuredMarginNanos >= ttlNanos;
  }

  /**
   * The safety margin: the configured one while it is below the TTL; otherwise the default {@code
   * max(ttl/5, 200 ms)}, never more than half the TTL.
   */
  long marginNanos() {
    if (configuredMarginNanos >= 0 && configuredMarginNanos < ttlNanos) {
      return configuredMarginNanos;
    }
    return Math.min(Math.max(ttlNanos / 5, MARGIN_FLOOR_NANOS), ttlNanos / 2);
  }

  /** Records that the request sent at {@code sentAt} was renewed. */
  void confirmed(long sentAt) {
    if (!confirmed || sentAt - confirmedSentAt > 0) {
      confirmedSentAt = sentAt;
    }
    confirmed = true;
  }

  /** When the agent must fence, if no later renewal is confirmed. */
  long fenceAt() {
    return confirmedSentAt + ttlNanos - marginNanos();
  }

  /** True when the last confirmed renewal still covers the node at {@code now}. */
  boolean covers(long now) {
    return confirmed && now - fenceAt() < 0;
  }

  /** How often to send a KeepAlive: a third of the TTL. */
  long sendIntervalNanos() {
    return Math.max(1, ttlNanos / 3);
  }
}
