package dev.tether.client;

/**
 * Runs a node agent's work on one thread: tasks now, and tasks after a delay. Production uses
 * {@link ExecutorScheduler}; tests use a fake that runs delayed tasks as they advance a fake
 * ticker.
 */
interface Scheduler {
  /** Runs {@code task} soon, after the tasks already submitted, never concurrently with them. */
  void execute(Runnable task);

  /** Runs {@code task} after {@code delayNanos} (0 or less: as soon as possible, not inline). */
  Cancellable schedule(Runnable task, long delayNanos);

  /** True when the caller is running on this scheduler's thread (inside one of its tasks). */
  boolean inScheduler();

  /**
   * Stops running tasks; pending ones are dropped. Waits for a running task unless called from it.
   */
  void shutdown();

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; does nothing otherwise. */
    void cancel();
  }
}
