package dev.tether.client;

import java.time.Duration;

/**
 * The named bounds and defaults of the client. Builders check every setting against these; each
 * message names the setting and the limit.
 */
final class ClientLimits {
  /** Most endpoints a client is configured with. */
  static final int ENDPOINTS_MAX = 16;

  /** Most channels a client keeps open: the configured endpoints plus hinted leaders. */
  static final int CHANNELS_MAX = 32;

  /** Most groups (rings, plus the region group) whose leader hint a client remembers. */
  static final int LEADER_HINTS_MAX = 257;

  /** Default deadline of one call, retries included. */
  static final Duration DEADLINE_DEFAULT = Duration.ofSeconds(2);

  /** Shortest deadline of one call. */
  static final Duration DEADLINE_MIN = Duration.ofMillis(10);

  /** Longest deadline of one call. */
  static final Duration DEADLINE_MAX = Duration.ofMinutes(5);

  /** Default attempts of one call (the first attempt counts). */
  static final int RETRY_ATTEMPTS_DEFAULT = 3;

  /** Fewest attempts of one call: one means no retry. */
  static final int RETRY_ATTEMPTS_MIN = 1;

  /** Most attempts of one call. */
  static final int RETRY_ATTEMPTS_MAX = 10;

  /** Default first backoff. */
  static final Duration BACKOFF_BASE_DEFAULT = Duration.ofMillis(50);

  /** Default longest backoff. */
  static final Duration BACKOFF_MAX_DEFAULT = Duration.ofSeconds(1);

  /** Shortest backoff a client may be configured with (base and max). */
  static final Duration BACKOFF_MIN = Duration.ofMillis(1);

  /** Longest backoff a client may be configured with (base and max). */
  static final Duration BACKOFF_LIMIT = Duration.ofMinutes(1);

  /** Sessions asked for per ListSessions page by the session iterator. */
  static final int LIST_PAGE_SIZE = 1000;

  /** Lease time-to-live a node agent assumes before the first KeepAlive response. */
  static final Duration LEASE_TTL_DEFAULT = Duration.ofSeconds(5);

  /** Smallest default safety margin of a node agent. */
  static final Duration FENCE_MARGIN_FLOOR = Duration.ofMillis(200);

  /** Smallest safety margin a node agent may be configured with. */
  static final Duration FENCE_MARGIN_MIN = Duration.ofMillis(1);

  /** Largest safety margin a node agent may be configured with (the longest lease TTL). */
  static final Duration FENCE_MARGIN_MAX = Duration.ofHours(1);

  /** KeepAlive requests a node agent lets go unanswered before it moves to another daemon. */
  static final int KEEPALIVES_OUTSTANDING_MAX = 8;

  /** Largest capacity of a node, in units (the ring's CAPACITY_UNITS_MAX). */
  static final int NODE_WEIGHT_MAX = 1000;

  /** Longest zone name, UTF-8 bytes. */
  static final int ZONE_BYTES_MAX = 64;

  /** Most labels on a node. */
  static final int LABELS_MAX = 32;

  /** Longest label key, UTF-8 bytes. */
  static final int LABEL_KEY_BYTES_MAX = 64;

  /** Longest label value, UTF-8 bytes. */
  static final int LABEL_VALUE_BYTES_MAX = 256;

  /** Longest warm-up of a node (the ring's WARMUP_MS_MAX). */
  static final Duration WARMUP_MAX = Duration.ofDays(7);

  private ClientLimits() {}

  /**
   * Checks that {@code value} lies in {@code [min, max]}; a null bound name prints the bare value.
   *
   * @throws IllegalArgumentException naming the setting and both bounds
   */
  static Duration checkDuration(
      String setting, Duration value, Duration min, String minName, Duration max, String maxName) {
    if (value == null) {
      throw new IllegalArgumentException(setting + " must not be null");
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw outOfRange(setting, value, bound(minName, min), bound(maxName, max));
    }
    return value;
  }

  /**
   * Checks that {@code value} lies in {@code [min, max]}; a null bound name prints the bare value.
   *
   * @throws IllegalArgumentException naming the setting and both bounds
   */
  static int checkInt(String setting, int value, int min, String minName, int max, String maxName) {
    if (value < min || value > max) {
      throw outOfRange(setting, value, bound(minName, min), bound(maxName, max));
    }
    return value;
  }

  private static String bound(String name, Object value) {
    return name == null ? String.valueOf(value) : name + "=" + value;
  }

  private static IllegalArgumentException outOfRange(
      String setting, Object value, String min, String max) {
    return new IllegalArgumentException(
        setting + " is " + value + ", must be in [" + min + ", " + max + "]");
  }
}
