package dev.tether.statemachine.ratis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Futures that complete once a replica has applied a given log index: a linearizable read waits
 * here for the index of the entry that confirmed it. Futures are completed outside the lock, so a
 * waiter's continuation never runs while another thread is registering.
 */
final class AppliedIndexWaiters {
  /** Above this many queued waiters, those already completed (timed out) are dropped. */
  private static final int PURGE_ABOVE = 4_096;

  private record Waiter(long index, CompletableFuture<Void> future) {}

  private final PriorityQueue<Waiter> queue =
      new PriorityQueue<>(Comparator.comparingLong(Waiter::index));
  private long applied; // guarded by this
  private Throwable closed; // guarded by this

  /** Completes once {@link #advanced} has reported {@code index} or more. */
  CompletableFuture<Void> await(long index) {
    synchronized (this) {
      if (closed != null) {
        return CompletableFuture.failedFuture(closed);
      }
      if (index <= applied) {
        return CompletableFuture.completedFuture(null);
      }
      if (queue.size() >= PURGE_ABOVE) {
        queue.removeIf(w -> w.future().isDone());
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      queue.add(new Waiter(index, f));
      return f;
    }
  }

  /** The replica has applied up to {@code index} (an apply, or a snapshot installed). */
  void advanced(long index) {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (this) {
      applied = Math.max(applied, index);
      while (!queue.isEmpty() && queue.peek().index() <= applied) {
        ready.add(queue.poll().future());
      }
    }
    ready.forEach(f -> f.complete(null));
  }

  /** Whether a waiter is still waiting (not completed, not timed out). */
  synchronized boolean anyWaiting() {
    for (Waiter w : queue) {
      if (!w.future().isDone()) {
        return true;
      }
    }
    return false;
  }

  /** Fails every waiter, now and later. */
  void close(Throwable why) {
    List<Waiter> failed;
    synchronized (this) {
      closed = why;
      failed = new ArrayList<>(queue);
      queue.clear();
    }
    failed.forEach(w -> w.future().completeExceptionally(why));
  }
}
