package dev.tether.cli;

import dev.tether.api.v1.PlacementPolicy;
import dev.tether.api.v1.Policy;
import dev.tether.ring.RingLimits;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The policy flags of {@code ring create} and {@code ring policy}. Each flag given sets one field
 * of the {@link Policy}; the rest stay unset (their defaults on create, their current values on
 * update). The limits are the daemon's (docs/api.md, "Policy"); they are checked here too so a bad
 * value fails before anything is sent.
 */
public final class PolicyOptions {
  /** Shortest node lease (the daemon's LEASE_TTL_MS_MIN). */
  public static final Duration LEASE_TTL_MIN = Duration.ofMillis(500);

  /** Longest node lease (the daemon's LEASE_TTL_MS_MAX). */
  public static final Duration LEASE_TTL_MAX = Duration.ofHours(1);

  /** Longest session idle TTL (the daemon's SESSION_TTL_MS_MAX). */
  public static final Duration SESSION_TTL_MAX = Duration.ofDays(30);

  /** Longest warm-up (RingLimits.WARMUP_MS_MAX). */
  public static final Duration WARMUP_MAX = Duration.ofMillis(RingLimits.WARMUP_MS_MAX);

  /** Longest drain deadline (the daemon's DRAIN_DEADLINE_MS_MAX). */
  public static final Duration DRAIN_DEADLINE_MAX = Duration.ofDays(7);

  /** Fastest rehome pace, sessions per second (the daemon's REHOME_PER_SECOND_MAX). */
  public static final int REHOME_PER_SECOND_MAX = 100_000;

  /** Largest session state blob, bytes (the daemon's STATE_BYTES_MAX). */
  public static final int STATE_BYTES_MAX = 65_536;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      completionCandidates = PlacementCandidates.class,
      description = "Placement: slot-table or vnode-ring (default on create: slot-table).")
  String placement;

  @Option(
      names = "--vnodes",
      paramLabel = "V",
      description = "vnode-ring points per capacity unit, 1 to 4096 (default on create: 160).")
  Integer vnodes;

  @Option(
      names = "--balance",
      paramLabel = "F",
      description = "Bounded-load balance factor, 1.0 to 10.0, step 0.001 (default: 1.25).")
  Double balance;

  @Option(
      names = "--lease-ttl",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Node lease time-to-live, 500ms to 1h (default: 5s).")
  Duration leaseTtl;

  @Option(
      names = "--session-ttl",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Default idle time-to-live of a session, 0 (never) to 30d (default: 1h).")
  Duration sessionTtl;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Warm-up of a joining node, 0 to 7d (default: 0, none).")
  Duration warmup;

  @Option(
      names = "--warmup-steps",
      paramLabel = "N",
      description = "Steps of the warm-up ramp, 1 to 100 (default: 10).")
  Integer warmupSteps;

  @Option(
      names = "--drain-deadline",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Default drain deadline, 0 to 7d (default: 30s).")
  Duration drainDeadline;

  @Option(
      names = "--rehome-rate",
      paramLabel = "N",
      description =
          "Sessions handed off per second after a drain or leave, 1 to 100000 (default: 1000).")
  Integer rehomeRate;

  @Option(
      names = "--state-max",
      paramLabel = "BYTES",
      description = "Largest session state blob, 0 to 65536 bytes (default: 65536).")
  Integer stateMax;

  /** True when no policy flag was given. */
  boolean isEmpty() {
    return placement == null
        && vnodes == null
        && balance == null
        && leaseTtl == null
        && sessionTtl == null
        && warmup == null
        && warmupSteps == null
        && drainDeadline == null
        && rehomeRate == null
        && stateMax == null;
  }

  /** The policy with the fields given, after checking each against its limit. */
  Policy toPolicy(Usage usage) {
    Policy.Builder p = Policy.newBuilder();
    if (placement != null) {
      p.setPlacement(placement(usage, placement));
    }
    if (vnodes != null) {
      p.setVnodesPerUnit(
          (int)
              usage.range(
                  "--vnodes",
                  vnodes,
                  "VNODES_PER_UNIT_MIN",
                  RingLimits.VNODES_PER_UNIT_MIN,
                  "VNODES_PER_UNIT_MAX",
                  RingLimits.VNODES_PER_UNIT_MAX));
    }
    if (balance != null) {
      p.setBalanceFactor(balance(usage, balance));
    }
    if (leaseTtl != null) {
      p.setLeaseTtlMs(
          usage.range("--lease-ttl", leaseTtl, LEASE_TTL_MIN, LEASE_TTL_MAX).toMillis());
    }
    if (sessionTtl != null) {
      p.setSessionIdleTtlMs(
          usage.range("--session-ttl", sessionTtl, Duration.ZERO, SESSION_TTL_MAX).toMillis());
    }
    if (warmup != null) {
      p.setWarmupMs(usage.range("--warmup", warmup, Duration.ZERO, WARMUP_MAX).toMillis());
    }
    if (warmupSteps != null) {
      p.setWarmupSteps(
          (int)
              usage.range(
                  "--warmup-steps",
                  warmupSteps,
                  null,
                  1,
                  "WARMUP_STEPS_MAX",
                  RingLimits.WARMUP_STEPS_MAX));
    }
    if (drainDeadline != null) {
      p.setDrainDeadlineMs(
          usage
              .range("--drain-deadline", drainDeadline, Duration.ZERO, DRAIN_DEADLINE_MAX)
              .toMillis());
    }
    if (rehomeRate != null) {
      p.setRehomePerSecond(
          (int)
              usage.range(
                  "--rehome-rate",
                  rehomeRate,
                  null,
                  1,
                  "REHOME_PER_SECOND_MAX",
                  REHOME_PER_SECOND_MAX));
    }
    if (stateMax != null) {
      p.setStateBytesMax(
          (int) usage.range("--state-max", stateMax, null, 0, "STATE_BYTES_MAX", STATE_BYTES_MAX));
    }
    return p.build();
  }

  private static PlacementPolicy placement(Usage usage, String value) {
    return switch (value) {
      case "slot-table" -> PlacementPolicy.PLACEMENT_POLICY_SLOT_TABLE;
      case "vnode-ring" -> PlacementPolicy.PLACEMENT_POLICY_VNODE_RING;
      default ->
          throw usage.error(
              "--policy '" + value + "' is unknown; valid policies: slot-table, vnode-ring");
    };
  }

  private static double balance(Usage usage, double value) {
    double min = RingLimits.BALANCE_PERMILLE_MIN / 1000.0;
    double max = RingLimits.BALANCE_PERMILLE_MAX / 1000.0;
    if (!(value >= min && value <= max)) {
      throw usage.error("--balance is " + value + ", must be in [" + min + ", " + max + "]");
    }
    double permille = value * 1000;
    if (Math.abs(permille - Math.rint(permille)) > 1e-6) {
      throw usage.error("--balance is " + value + ", must be a multiple of 0.001");
    }
    return value;
  }

  static final class PlacementCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("slot-table", "vnode-ring").iterator();
    }
  }
}
