package dev.tether.cli;

import java.time.Duration;

/**
 * What a long-running command ({@code up}, {@code daemon}, {@code node agent}) does when it is
 * asked to stop with Ctrl-C or SIGTERM: a JVM shutdown hook that runs its cleanup, then ends the
 * process with exit code 0, since a stop the user asked for is not a failure (without this the JVM
 * would exit 130 or 143). A cleanup that hangs is cut short after {@link #CLEANUP_MAX} with exit
 * code 1. {@link #remove} takes the hook away when the command ends by itself.
 */
final class StopHook {
  /** Longest a cleanup may take before the process is ended anyway. */
  static final Duration CLEANUP_MAX = Duration.ofSeconds(30);

  private final Thread thread;

  private StopHook(Thread thread) {
    this.thread = thread;
  }

  /** Installs a hook that runs {@code cleanup}, then halts with exit code 0. */
  static StopHook install(String name, Runnable cleanup) {
    Thread thread =
        new Thread(
            () -> {
              Thread watchdog =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(CLEANUP_MAX.toMillis());
                        } catch (InterruptedException e) {
                          return;
                        }
                        System.err.println(
                            "tether: stopping took over " + Durations.format(CLEANUP_MAX));
                        Runtime.getRuntime().halt(ExitCodes.ERROR);
                      },
                      name + "-watchdog");
              watchdog.setDaemon(true);
              watchdog.start();
              try {
                cleanup.run();
              } finally {
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(ExitCodes.OK);
              }
            },
            name);
    Runtime.getRuntime().addShutdownHook(thread);
    return new StopHook(thread);
  }

  /** Removes the hook; a no-op once the JVM is shutting down. */
  void remove() {
    try {
      Runtime.getRuntime().removeShutdownHook(thread);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs, and ends the process.
    }
  }
}
