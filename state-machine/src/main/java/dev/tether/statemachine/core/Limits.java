package dev.tether.statemachine.core;

import dev.tether.ring.RingLimits;

/**
 * The named bounds of the replicated state (DESIGN.md section 7). The core checks every command
 * against them, and the daemon checks every request at the API edge with the same constants.
 */
public final class Limits {
  /** Longest session id, UTF-8 bytes. */
  public static final int SESSION_ID_BYTES_MAX = RingLimits.SESSION_ID_BYTES_MAX;

  /** Largest session state blob, bytes; a ring's policy may lower it. */
  public static final int STATE_BYTES_MAX = 64 * 1024;

  /** Most node records in a ring (every state counts, DOWN and DRAINING included). */
  public static final int NODES_PER_RING_MAX = RingLimits.NODES_PER_RING_MAX;

  /** Most rings in a region. */
  public static final int RINGS_PER_REGION_MAX = 256;

  /** Most daemons a region registers. */
  public static final int DAEMONS_PER_REGION_MAX = 9;

  /** Most sessions in one ring (10 million are supported; this is the hard stop). */
  public static final long SESSIONS_PER_RING_MAX = RingLimits.SESSIONS_PER_RING_MAX;

  /** Most commands in one log entry. */
  public static final int COMMANDS_PER_BATCH_MAX = 4096;

  /**
   * Largest encoded log entry, bytes. Ratis sizes each group's log write buffer from it, so it is
   * also the direct memory every hosted group costs (256 rings: about 600 MiB).
   */
  public static final int BATCH_BYTES_MAX = 2 * 1024 * 1024;

  /** Most session ids in one TouchSessions, ExpireSessions or lookup. */
  public static final int IDS_PER_COMMAND_MAX = 10_000;

  /** Most sessions one Rehome command moves. */
  public static final int REHOME_BATCH_MAX = 10_000;

  /** Longest node address (host:port), bytes. */
  public static final int ADDRESS_BYTES_MAX = 256;

  /** Longest zone name, bytes. */
  public static final int ZONE_BYTES_MAX = 64;

  /** Most labels on a node. */
  public static final int LABELS_MAX = 32;

  /** Longest label key, bytes. */
  public static final int LABEL_KEY_BYTES_MAX = 64;

  /** Longest label value, bytes. */
  public static final int LABEL_VALUE_BYTES_MAX = 256;

  /** Longest ring name, characters of {@code [a-z0-9-]}. */
  public static final int RING_NAME_BYTES_MAX = 63;

  /** Longest daemon id, characters of the node id alphabet. */
  public static final int DAEMON_ID_BYTES_MAX = 64;

  /** Longest time-to-live of a session, milliseconds (30 days). */
  public static final long SESSION_TTL_MS_MAX = 30L * 24 * 3600 * 1000;

  /** Shortest node lease, milliseconds. */
  public static final long LEASE_TTL_MS_MIN = 500;

  /** Longest node lease, milliseconds (1 hour). */
  public static final long LEASE_TTL_MS_MAX = 3600L * 1000;

  /** Longest drain deadline, milliseconds (7 days). */
  public static final long DRAIN_DEADLINE_MS_MAX = 7L * 24 * 3600 * 1000;

  /** Longest warm-up, milliseconds. */
  public static final long WARMUP_MS_MAX = RingLimits.WARMUP_MS_MAX;

  /** Fastest paced handoff, sessions per second. */
  public static final int REHOME_PER_SECOND_MAX = 100_000;

  /** Most sessions one ListSessions page returns. */
  public static final int LIST_PAGE_MAX = 10_000;

  /** Default node lease, milliseconds. */
  public static final long LEASE_TTL_MS_DEFAULT = 5_000;

  /** Default idle time-to-live of a session, milliseconds (1 hour). */
  public static final long SESSION_IDLE_TTL_MS_DEFAULT = 3600L * 1000;

  /** Default warm-up, milliseconds. */
  public static final long WARMUP_MS_DEFAULT = 0;

  /** Default warm-up steps. */
  public static final int WARMUP_STEPS_DEFAULT = 10;

  /** Default drain deadline, milliseconds. */
  public static final long DRAIN_DEADLINE_MS_DEFAULT = 30_000;

  /** Default paced handoff, sessions per second. */
  public static final int REHOME_PER_SECOND_DEFAULT = 1_000;

  private Limits() {}
}
