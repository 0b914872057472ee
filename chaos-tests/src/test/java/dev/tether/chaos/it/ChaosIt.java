package dev.tether.chaos.it;

import java.time.Duration;
import java.util.Locale;

/** Shared parsing for the chaos integration tests' system properties. */
final class ChaosIt {
  private ChaosIt() {}

  /** {@code 20s}, {@code 2m} or {@code 30000ms} in milliseconds. */
  static long durationMs(String d) {
    String s = d.trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("ms")) {
      return Long.parseLong(s.substring(0, s.length() - 2));
    }
    if (s.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1))).toMillis();
    }
    return Duration.ofSeconds(Long.parseLong(s.endsWith("s") ? s.substring(0, s.length() - 1) : s))
        .toMillis();
  }
}
