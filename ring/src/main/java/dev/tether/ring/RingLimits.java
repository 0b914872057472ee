package dev.tether.ring;

/**
 * The named bounds of the placement library. Every input to a public method is checked against one
 * of these; the error message names the limit.
 */
public final class RingLimits {
  /** Bits of the session hash that select a slot; the table has {@code 1 << SLOT_BITS} slots. */
  public static final int SLOT_BITS = 16;

  /** Number of slots in a slot table (2^16). */
  public static final int SLOTS = 1 << SLOT_BITS;

  /** Most nodes a ring may hold (DESIGN.md section 7). */
  public static final int NODES_PER_RING_MAX = 4096;

  /** Longest node id, in UTF-8 bytes. Node ids use the characters {@code [A-Za-z0-9._:-]}. */
  public static final int NODE_ID_BYTES_MAX = 128;

  /** Longest session id, in UTF-8 bytes (DESIGN.md section 7). */
  public static final int SESSION_ID_BYTES_MAX = 256;

  /** Ring weight of one capacity unit: weights are carried in thousandths of a unit. */
  public static final long WEIGHT_SCALE = 1000;

  /** Largest node capacity, in capacity units. */
  public static final int CAPACITY_UNITS_MAX = 1000;

  /** Largest ring weight of one member, in thousandths of a capacity unit. */
  public static final long WEIGHT_MILLI_MAX = CAPACITY_UNITS_MAX * WEIGHT_SCALE;

  /** Fewest virtual nodes per capacity unit for the vnode-ring policy. */
  public static final int VNODES_PER_UNIT_MIN = 1;

  /** Most virtual nodes per capacity unit for the vnode-ring policy. */
  public static final int VNODES_PER_UNIT_MAX = 4096;

  /** Default virtual nodes per capacity unit (ketama's 160). */
  public static final int VNODES_PER_UNIT_DEFAULT = 160;

  /** Most points a vnode ring may hold in total, so that a build stays bounded in memory. */
  public static final int RING_POINTS_MAX = 1 << 22;

  /** Smallest balance factor, in thousandths (1.0: every node exactly at the mean). */
  public static final int BALANCE_PERMILLE_MIN = 1000;

  /** Largest balance factor, in thousandths (10.0). */
  public static final int BALANCE_PERMILLE_MAX = 10_000;

  /** Default balance factor, in thousandths (1.25, as HAProxy and brpc recommend). */
  public static final int BALANCE_PERMILLE_DEFAULT = 1250;

  /** Most sessions a ring may count for bounded-load placement. */
  public static final long SESSIONS_PER_RING_MAX = 100_000_000L;

  /** Random probes tried before the probe order falls back to a full ranking of the members. */
  public static final int PROBES_RANDOM_MAX = 32;

  /** Longest warm-up ramp, in milliseconds (7 days). */
  public static final long WARMUP_MS_MAX = 7L * 24 * 3600 * 1000;

  /** Most steps of a warm-up ramp. */
  public static final int WARMUP_STEPS_MAX = 100;

  private RingLimits() {}
}
