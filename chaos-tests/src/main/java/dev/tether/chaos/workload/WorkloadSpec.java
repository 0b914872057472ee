package dev.tether.chaos.workload;

import java.time.Duration;

/**
 * The shape of a run's client load.
 *
 * @param keys workload sessions (compare-and-set registers checked for linearizability)
 * @param writersPerDaemon writer processes bound to each daemon
 * @param readersPerDaemon reader processes bound to each daemon
 * @param opsPerSecond the whole workload's target rate (operations are spaced at random)
 * @param deadline each call's deadline
 * @param staleTokenProbeShare share of writes sent with a fencing token known to be stale
 */
public record WorkloadSpec(
    int keys,
    int writersPerDaemon,
    int readersPerDaemon,
    double opsPerSecond,
    Duration deadline,
    double staleTokenProbeShare) {
  public static final WorkloadSpec DEFAULT =
      new WorkloadSpec(6, 1, 2, 80, Duration.ofMillis(1_000), 0.05);

  /** The session id of workload key {@code k}. */
  public static String key(int k) {
    return "chaos-k" + k;
  }
}
