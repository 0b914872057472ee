package dev.tether.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a benchmark runs on, as the fairness rules of performance-anchors.md ask to report
 * it: processors, CPU model, JDK, and the load average before each trial. Linux files are read
 * directly; elsewhere the JDK's view stands in.
 */
public final class Machine {
  private Machine() {}

  /** One line: nproc, CPU model, JDK, OS. */
  public static String describe() {
    return String.format(
        Locale.ROOT,
        "nproc=%d, cpu=%s, jdk=%s (%s), os=%s %s",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  /** The 1-, 5- and 15-minute load averages, as {@code uptime} prints them. */
  public static double[] loadAverage() {
    try {
      String[] f =
          Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split(" ");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return new double[] {one, Double.NaN, Double.NaN};
    }
  }

  /** The load averages as {@code "1.23 2.34 3.45"}. */
  public static String loadText() {
    double[] l = loadAverage();
    return String.format(Locale.ROOT, "%.2f %.2f %.2f", l[0], l[1], l[2]);
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }
}
