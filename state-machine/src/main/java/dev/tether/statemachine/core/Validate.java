package dev.tether.statemachine.core;

import dev.tether.proto.internal.Placement;
import dev.tether.proto.internal.RingPolicy;
import dev.tether.ring.Member;
import dev.tether.ring.RingLimits;
import dev.tether.ring.SessionHash;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Field checks shared by the core and the API edge. Each throws {@link IllegalArgumentException}
 * whose message names the field and the limit.
 */
public final class Validate {
  private Validate() {}

  /** A session id: 1..256 UTF-8 bytes. */
  public static void sessionId(String field, String id) {
    SessionHash.checkSessionId(field, id);
  }

  /** A node id: 1..128 characters of {@code [A-Za-z0-9._:-]}. */
  public static void nodeId(String field, String id) {
    Member.checkNodeId(field, id);
  }

  /** A node weight in capacity units. */
  public static void weight(String field, long weight) {
    range(field, weight, 1, RingLimits.CAPACITY_UNITS_MAX, "CAPACITY_UNITS_MAX");
  }

  /** A ring name: 1..63 characters of {@code [a-z0-9-]}, starting with a letter or digit. */
  public static void ringName(String field, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    if (name.length() > Limits.RING_NAME_BYTES_MAX) {
      throw new IllegalArgumentException(
          field
              + " is "
              + name.length()
              + " characters, limit RING_NAME_BYTES_MAX is "
              + Limits.RING_NAME_BYTES_MAX);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
      if (!ok) {
        throw new IllegalArgumentException(
            field
                + " '"
                + name
                + "' must match [a-z0-9][a-z0-9-]* (bad character at index "
                + i
                + ")");
      }
    }
  }

  /** A text field of at most {@code max} UTF-8 bytes (may be empty). */
  public static void text(String field, String value, int max, String limitName) {
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > max) {
      throw new IllegalArgumentException(
          field + " is " + bytes + " bytes, limit " + limitName + " is " + max);
    }
  }

  /** A node address {@code host:port}: required, at most 256 bytes, port 1..65535. */
  public static void address(String field, String address) {
    if (address == null || address.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    text(field, address, Limits.ADDRESS_BYTES_MAX, "ADDRESS_BYTES_MAX");
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException(field + " '" + address + "' must be host:port");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          field + " '" + address + "' has a port that is not a number", e);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          field + " '" + address + "' has port " + port + ", must be in [1, 65535]");
    }
  }

  /** Node labels: at most 32, keys 1..64 bytes, values at most 256 bytes. */
  public static void labels(String field, Map<String, String> labels) {
    if (labels.size() > Limits.LABELS_MAX) {
      throw new IllegalArgumentException(
          field + " has " + labels.size() + " labels, limit LABELS_MAX is " + Limits.LABELS_MAX);
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException(field + " has an empty key");
      }
      text(field + " key", e.getKey(), Limits.LABEL_KEY_BYTES_MAX, "LABEL_KEY_BYTES_MAX");
      text(
          field + "[" + e.getKey() + "]",
          e.getValue(),
          Limits.LABEL_VALUE_BYTES_MAX,
          "LABEL_VALUE_BYTES_MAX");
    }
  }

  /** A ring policy: every field within its limits. */
  public static void policy(String field, RingPolicy p) {
    if (p.getPlacement() != Placement.PLACEMENT_SLOT_TABLE
        && p.getPlacement() != Placement.PLACEMENT_VNODE_RING) {
      throw new IllegalArgumentException(field + ".placement must be slot-table or vnode-ring");
    }
    range(
        field + ".vnodes_per_unit",
        p.getVnodesPerUnit(),
        RingLimits.VNODES_PER_UNIT_MIN,
        RingLimits.VNODES_PER_UNIT_MAX,
        "VNODES_PER_UNIT_MAX");
    range(
        field + ".balance_permille",
        p.getBalancePermille(),
        RingLimits.BALANCE_PERMILLE_MIN,
        RingLimits.BALANCE_PERMILLE_MAX,
        "BALANCE_PERMILLE_MAX");
    range(
        field + ".lease_ttl_ms",
        p.getLeaseTtlMs(),
        Limits.LEASE_TTL_MS_MIN,
        Limits.LEASE_TTL_MS_MAX,
        "LEASE_TTL_MS_MAX");
    range(
        field + ".session_idle_ttl_ms",
        p.getSessionIdleTtlMs(),
        0,
        Limits.SESSION_TTL_MS_MAX,
        "SESSION_TTL_MS_MAX");
    range(field + ".warmup_ms", p.getWarmupMs(), 0, Limits.WARMUP_MS_MAX, "WARMUP_MS_MAX");
    range(
        field + ".warmup_steps",
        p.getWarmupSteps(),
        1,
        RingLimits.WARMUP_STEPS_MAX,
        "WARMUP_STEPS_MAX");
    range(
        field + ".drain_deadline_ms",
        p.getDrainDeadlineMs(),
        0,
        Limits.DRAIN_DEADLINE_MS_MAX,
        "DRAIN_DEADLINE_MS_MAX");
    range(
        field + ".rehome_per_second",
        p.getRehomePerSecond(),
        1,
        Limits.REHOME_PER_SECOND_MAX,
        "REHOME_PER_SECOND_MAX");
    range(
        field + ".state_bytes_max",
        p.getStateBytesMax(),
        0,
        Limits.STATE_BYTES_MAX,
        "STATE_BYTES_MAX");
  }

  /** The default policy: slot-table, balance 1.25, 5 s leases, 1 h idle sessions. */
  public static RingPolicy defaultPolicy() {
    return RingPolicy.newBuilder()
        .setPlacement(Placement.PLACEMENT_SLOT_TABLE)
        .setVnodesPerUnit(RingLimits.VNODES_PER_UNIT_DEFAULT)
        .setBalancePermille(RingLimits.BALANCE_PERMILLE_DEFAULT)
        .setLeaseTtlMs(Limits.LEASE_TTL_MS_DEFAULT)
        .setSessionIdleTtlMs(Limits.SESSION_IDLE_TTL_MS_DEFAULT)
        .setWarmupMs(Limits.WARMUP_MS_DEFAULT)
        .setWarmupSteps(Limits.WARMUP_STEPS_DEFAULT)
        .setDrainDeadlineMs(Limits.DRAIN_DEADLINE_MS_DEFAULT)
        .setRehomePerSecond(Limits.REHOME_PER_SECOND_DEFAULT)
        .setStateBytesMax(Limits.STATE_BYTES_MAX)
        .build();
  }

  /** {@code value} in {@code [min, max]}. */
  public static void range(String field, long value, long min, long max, String limitName) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " is " + value + ", must be in [" + min + ", " + max + "] (" + limitName + ")");
    }
  }
}
