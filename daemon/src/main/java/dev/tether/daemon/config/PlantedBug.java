package dev.tether.daemon.config;

import java.util.Locale;

/**
 * Known bugs a daemon can be started with, for the chaos suite to prove that its checkers catch
 * them. Test-only: a daemon running with any of them says so loudly at start and in Status.
 */
public enum PlantedBug {
  /** LINEARIZABLE reads are answered from local state without ReadIndex, flagged authoritative. */
  STALE_READS,
  /** Nothing is made durable: the Raft log lives in memory and RocksDB writes skip the WAL. */
  NO_FSYNC,
  /** PutState and Close accept any fencing token. */
  SKIP_FENCING,
  /** The lessor keeps expiring nodes after losing leadership, stamping the current term. */
  LESSOR_IGNORES_LEADERSHIP;

  /** The config spelling, e.g. {@code stale-reads}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses the config spelling. */
  public static PlantedBug parse(String field, String label) {
    for (PlantedBug b : values()) {
      if (b.label().equals(label)) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        field
            + " '"
            + label
            + "' is unknown, expected one of stale-reads, no-fsync, skip-fencing, lessor-ignores-leadership");
  }
}
