package dev.tether.client;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Scheduler} on one daemon thread. */
final class ExecutorScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  ExecutorScheduler(String threadName) {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t = TetherClient.daemonThreads(threadName).newThread(runnable);
              thread = t;
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(guard(task));
    } catch (RejectedExecutionException e) {
      // Shut down: late stream callbacks are dropped.
    }
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    try {
      Future<?> f = executor.schedule(guard(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  @Override
  public boolean inScheduler() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void shutdown() {
    executor.shutdown();
    if (inScheduler()) {
      // Called from a task (an application callback): waiting for ourselves would never end.
      return;
    }
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Keeps the one thread alive when a task throws: the agent's timers must keep running. */
  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("node agent task failed", e);
      }
    };
  }
}
