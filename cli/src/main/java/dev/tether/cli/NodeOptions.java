package dev.tether.cli;

import dev.tether.ring.RingLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a node describes itself when it joins: its weight and zone ({@code node join} and {@code node
 * agent}). The limits are the API's (docs/api.md, "Node").
 */
public final class NodeOptions {
  /** Longest zone, UTF-8 bytes. */
  public static final int ZONE_BYTES_MAX = 64;

  @Option(
      names = "--weight",
      paramLabel = "W",
      description = "Capacity units, 1 to 1000 (default: ${DEFAULT-VALUE}).")
  int weight = 1;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "The node's zone, at most 64 bytes (default: none).")
  String zone = "";

  void check(Usage usage) {
    usage.range("--weight", weight, null, 1, "CAPACITY_UNITS_MAX", RingLimits.CAPACITY_UNITS_MAX);
    usage.bytes("--zone", zone, 0, ZONE_BYTES_MAX, "ZONE_BYTES_MAX");
  }

  /** The --warmup flag and labels of {@code node join}. */
  public static final class JoinExtras {
    /** Most labels on a node. */
    public static final int LABELS_MAX = 32;

    /** Longest label key, UTF-8 bytes. */
    public static final int LABEL_KEY_BYTES_MAX = 64;

    /** Longest label value, UTF-8 bytes. */
    public static final int LABEL_VALUE_BYTES_MAX = 256;

    @Option(
        names = "--warmup",
        paramLabel = "DURATION",
        converter = Durations.Converter.class,
        description = "This node's warm-up, 0 to 7d (default: the ring's).")
    Duration warmup;

    @Option(
        names = "--label",
        paramLabel = "KEY=VALUE",
        description = "A label, repeatable: at most 32; keys 1 to 64 bytes, values up to 256.")
    Map<String, String> labels = new LinkedHashMap<>();

    void check(Usage usage) {
      if (warmup != null) {
        usage.range("--warmup", warmup, Duration.ZERO, PolicyOptions.WARMUP_MAX);
      }
      if (labels.size() > LABELS_MAX) {
        throw usage.error(
            "--label given " + labels.size() + " times, limit LABELS_MAX is " + LABELS_MAX);
      }
      for (Map.Entry<String, String> e : labels.entrySet()) {
        usage.bytes("--label key", e.getKey(), 1, LABEL_KEY_BYTES_MAX, "LABEL_KEY_BYTES_MAX");
        usage.bytes(
            "--label " + e.getKey() + " value",
            e.getValue(),
            0,
            LABEL_VALUE_BYTES_MAX,
            "LABEL_VALUE_BYTES_MAX");
      }
    }
  }
}
