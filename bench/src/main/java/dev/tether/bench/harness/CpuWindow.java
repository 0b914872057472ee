package dev.tether.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU use over one trial: the whole machine's busy time (from {@code /proc/stat}) minus this JVM's
 * own, so a trial can say how much of the CPU other processes took while it ran. A load average
 * cannot: a benchmark raises it itself. Reads NaN where {@code /proc/stat} does not exist.
 */
public final class CpuWindow {
  /**
   * Linux reports {@code /proc/stat} in USER_HZ ticks, 100 per second on every mainstream kernel.
   */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long startNanos;
  private final long startSelfNanos;
  private final long startBusyTicks;

  /** What a window measured, in cores (1.0 = one CPU busy for the whole window). */
  public record Use(double seconds, double machineCores, double selfCores, double otherCores) {}

  private CpuWindow() {
    startNanos = System.nanoTime();
    startSelfNanos = selfCpuNanos();
    startBusyTicks = machineBusyTicks();
  }

  /** Starts a window now. */
  public static CpuWindow start() {
    return new CpuWindow();
  }

  /** Ends the window: CPU used since {@link #start}. */
  public Use stop() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double self = (selfCpuNanos() - startSelfNanos) / 1e9 / seconds;
    long busy = machineBusyTicks();
    double machine =
        busy < 0 || startBusyTicks < 0
            ? Double.NaN
            : (busy - startBusyTicks) / TICKS_PER_SECOND / seconds;
    return new Use(seconds, machine, self, Math.max(0, machine - self));
  }

  private static long selfCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** user + nice + system + irq + softirq ticks of all CPUs, or -1 when unknown. */
  private static long machineBusyTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
      String[] f = first.trim().split("\\s+");
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
