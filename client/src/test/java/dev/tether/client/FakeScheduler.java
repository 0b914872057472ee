package dev.tether.client;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A scheduler whose delayed tasks run only when the test advances time. Immediate tasks (stream
 * callbacks) run at once on the caller's thread; one lock serialises everything, as the agent's
 * single thread would.
 */
final class FakeScheduler implements Scheduler {
  private final FakeTicker ticker;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private long seq;
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
    if (!shutdown) {
      task.run();
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
  public synchronized void shutdown() {
    shutdown = true;
    tasks.clear();
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
        next.run.run();
      }
    }
    ticker.moveTo(target);
  }

  /** Runs the tasks due now. */
  void runDue() {
    advance(Duration.ZERO);
  }
}
