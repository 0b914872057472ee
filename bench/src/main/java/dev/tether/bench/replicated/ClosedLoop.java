package dev.tether.bench.replicated;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load generator: {@code callers} independent callers, each submitting its next
 * operation as soon as its previous one completed, so exactly {@code callers} operations are in
 * flight. It runs a warm-up window, then a measured window that ends after {@code measure} or
 * {@code maxOps} completions, whichever comes first; then it stops the callers and waits for their
 * last operations (bounded by {@link #DRAIN_TIMEOUT_MS}).
 *
 * <p>An operation counts when it completes inside the measured window; its latency (submit to
 * completion) goes into an HdrHistogram {@link Recorder}. Callers resubmit from the completing
 * thread, as an asynchronous client would, with no hand-off between threads.
 */
final class ClosedLoop {
  /** Longest wait for the operations in flight when the window closes, milliseconds. */
  static final long DRAIN_TIMEOUT_MS = 60_000;

  /** Largest latency the histogram holds, microseconds; larger ones are clamped to it. */
  static final long LATENCY_US_MAX = 120_000_000L;

  /** Failed operations after which the callers stop (a broken cluster, not a slow one). */
  static final long FAILURES_MAX = 1_000;

  /** What one run measured. */
  record Outcome(
      long ops, long failures, double seconds, Histogram latencyUs, boolean drained, String error) {
    double opsPerSecond() {
      return ops / seconds;
    }
  }

  /** An operation of one caller; {@code caller} is in {@code [0, callers)}. */
  interface Operation extends IntFunction<CompletableFuture<Boolean>> {}

  private final int callers;
  private final Operation operation;
  private final Recorder recorder = new Recorder(LATENCY_US_MAX, 3);
  private final AtomicLong measured = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final CountDownLatch stopped;
  private final CountDownLatch reachedMax = new CountDownLatch(1);
  private volatile long measureStartNanos = Long.MAX_VALUE;
  private volatile long measureEndNanos = Long.MAX_VALUE;
  private volatile boolean stop;
  private volatile long maxOps = Long.MAX_VALUE;
  private volatile String firstError;

  ClosedLoop(int callers, Operation operation) {
    this.callers = callers;
    this.operation = operation;
    this.stopped = new CountDownLatch(callers);
  }

  /** Runs the warm-up and the measured window; see the class comment. */
  Outcome run(long warmupMs, long measureMs, long maxOps) throws InterruptedException {
    this.maxOps = maxOps;
    for (int c = 0; c < callers; c++) {
      next(c);
    }
    Thread.sleep(warmupMs);
    recorder.reset();
    measured.set(0);
    long start = System.nanoTime();
    measureStartNanos = start;
    reachedMax.await(measureMs, TimeUnit.MILLISECONDS);
    long end = System.nanoTime();
    measureEndNanos = end;
    long ops = measured.get();
    Histogram latency = recorder.getIntervalHistogram();
    stop = true;
    boolean drained = stopped.await(DRAIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return new Outcome(ops, failures.get(), (end - start) / 1e9, latency, drained, firstError);
  }

  private void next(int caller) {
    if (stop) {
      stopped.countDown();
      return;
    }
    long t0 = System.nanoTime();
    CompletableFuture<Boolean> f;
    try {
      f = operation.apply(caller);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (ok, error) -> {
          long t1 = System.nanoTime();
          boolean success = error == null && Boolean.TRUE.equals(ok);
          if (!success) {
            if (firstError == null) {
              firstError = error != null ? error.toString() : "operation reported failure";
            }
            if (failures.incrementAndGet() >= FAILURES_MAX) {
              stop = true;
            }
          } else if (t1 >= measureStartNanos && t1 < measureEndNanos) {
            recorder.recordValue(Math.min(LATENCY_US_MAX, (t1 - t0) / 1_000));
            if (measured.incrementAndGet() >= maxOps) {
              reachedMax.countDown();
            }
          }
          next(caller);
        });
  }
}
