package dev.tether.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A scheduler whose delayed tasks run only when the test advances time, on the test's thread. One
 * lock serialises everything, as the agent's single thread would: a task submitted from another
 * thread runs at once under the lock; a task submitted while a task runs (a stream callback that
 * arrives synchronously) runs right after it, never nested inside it.
 */
final class FakeScheduler implements Scheduler {
  private final FakeTicker ticker;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private final ArrayDeque<Runnable> immediate = new ArrayDeque<>();
  private long seq;
  private boolean running;
  private boolean shutdown;

  FakeScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  private static final class Task {
    final long due;
    final long seq;
    final Runnable run;
    boolean cancelled;

    Task(long due, long seq, Runnable run) {
      this.due = due;
      this.seq = seq;
      this.run = run;
    }
  }

  @Override
  public synchronized void execute(Runnable task) {
    if (shutdown) {
      return;
    }
    immediate.add(task);
    if (!running) {
      run(() -> {});
    }
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(ticker.read() + Math.max(0, delayNanos), seq++, task);
    tasks.add(t);
    return () -> {
      synchronized (FakeScheduler.this) {
        t.cancelled = true;
      }
    };
  }

  @Override
  public synchronized boolean inScheduler() {
    return running;
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    tasks.clear();
    immediate.clear();
  }

  /** Advances time by {@code d}, running every task that falls due, in order, at its due time. */
  synchronized void advance(Duration d) {
    long target = ticker.read() + d.toNanos();
    while (!shutdown) {
      Task next = tasks.peek();
      if (next == null || next.due > target) {
        break;
      }
      tasks.poll();
      if (!next.cancelled) {
        ticker.moveTo(next.due);
        run(next.run);
      }
    }
    ticker.moveTo(target);
  }

  /** Runs the tasks due now. */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** Holds the lock. Runs {@code task}, then every task it submitted, in order. */
  private void run(Runnable task) {
    running = true;
    try {
      task.run();
      Runnable more;
      while (!shutdown && (more = immediate.poll()) != null) {
        more.run();
      }
    } finally {
      running = false;
    }
  }
}
