package dev.tether.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The one closed-loop load generator for every system: {@code conns} connections, each with {@code
 * inFlight} slots; a slot sends its next request as soon as its previous one completes. Latency is
 * recorded in microseconds in an HdrHistogram for requests that start and end inside the
 * measurement window (after the warm-up).
 */
final class LoadGen {
  /** Largest latency the histogram records, microseconds. */
  static final long LATENCY_US_MAX = 60_000_000;

  /** Extra time a run may take past its window for requests in flight to finish, milliseconds. */
  static final long DRAIN_MS_MAX = 15_000;

  /** Pause of a slot after a request failed fast, milliseconds. */
  static final long BACKOFF_MS = 10;

  private static final ScheduledExecutorService BACKOFF =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "loadgen-backoff");
            t.setDaemon(true);
            return t;
          });

  private LoadGen() {}

  /** One request kind against one system over one connection. */
  interface Conn {
    /**
     * Sends one request from slot {@code slot}; completes when it is answered. Null when the
     * workload has nothing more to send: the slot stops.
     */
    CompletableFuture<?> call(int slot);
  }

  /** A trial's figures. */
  record Result(
      long ops,
      long errors,
      double seconds,
      double opsPerSec,
      double p50Us,
      double p99Us,
      double p999Us,
      double maxUs,
      String firstError) {}

  static Result run(List<Conn> conns, int inFlight, long warmupMs, long measureMs)
      throws InterruptedException {
    Recorder recorder = new Recorder(LATENCY_US_MAX, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong firstErrorSet = new AtomicLong();
    String[] firstError = new String[1];
    long t0 = System.nanoTime();
    long measureStart = t0 + warmupMs * 1_000_000;
    long measureEnd = measureStart + measureMs * 1_000_000;
    int slots = conns.size() * inFlight;
    CountDownLatch done = new CountDownLatch(slots);
    for (int c = 0; c < conns.size(); c++) {
      for (int s = 0; s < inFlight; s++) {
        Slot slot =
            new Slot(
                conns.get(c),
                c * inFlight + s,
                measureStart,
                measureEnd,
                recorder,
                ok,
                errors,
                done,
                e -> {
                  if (firstErrorSet.compareAndSet(0, 1)) {
                    firstError[0] = String.valueOf(e);
                  }
                });
        slot.next();
      }
    }
    long waitMs = warmupMs + measureMs + DRAIN_MS_MAX;
    done.await(waitMs, TimeUnit.MILLISECONDS);
    Histogram h = recorder.getIntervalHistogram();
    long measured = Math.min(measureEnd, System.nanoTime()) - measureStart;
    double seconds = Math.max(1e-3, measured / 1e9);
    return new Result(
        ok.get(),
        errors.get(),
        seconds,
        ok.get() / seconds,
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9),
        h.getMaxValue(),
        firstError[0]);
  }

  /** One slot's loop: send, record, send again until the window closes. */
  private static final class Slot {
    private final Conn conn;
    private final int id;
    private final long measureStart;
    private final long measureEnd;
    private final Recorder recorder;
    private final AtomicLong ok;
    private final AtomicLong errors;
    private final CountDownLatch done;
    private final java.util.function.Consumer<Throwable> onError;

    Slot(
        Conn conn,
        int id,
        long measureStart,
        long measureEnd,
        Recorder recorder,
        AtomicLong ok,
        AtomicLong errors,
        CountDownLatch done,
        java.util.function.Consumer<Throwable> onError) {
      this.conn = conn;
      this.id = id;
      this.measureStart = measureStart;
      this.measureEnd = measureEnd;
      this.recorder = recorder;
      this.ok = ok;
      this.errors = errors;
      this.done = done;
      this.onError = onError;
    }

    void next() {
      // Loop instead of recursing when calls complete synchronously (a stack per completion).
      while (true) {
        long start = System.nanoTime();
        if (start >= measureEnd) {
          done.countDown();
          return;
        }
        CompletableFuture<?> f = send();
        if (f == null) {
          done.countDown(); // the workload has no more requests
          return;
        }
        if (f.isDone()) {
          if (record(start, f)) {
            BACKOFF.schedule(this::next, BACKOFF_MS, TimeUnit.MILLISECONDS);
            return;
          }
          continue;
        }
        f.whenComplete(
            (r, e) -> {
              if (record(start, f)) {
                BACKOFF.schedule(this::next, BACKOFF_MS, TimeUnit.MILLISECONDS);
              } else {
                next();
              }
            });
        return;
      }
    }

    private CompletableFuture<?> send() {
      try {
        return conn.call(id);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    /** Records one completion; true when the slot should back off before its next request. */
    private boolean record(long start, CompletableFuture<?> f) {
      long end = System.nanoTime();
      boolean inWindow = start >= measureStart && end <= measureEnd;
      if (f.isCompletedExceptionally()) {
        if (inWindow) {
          errors.incrementAndGet();
        }
        f.exceptionally(
            e -> {
              onError.accept(e);
              return null;
            });
        // A fast failure (refused, no leader): back off so a slot cannot spin.
        return end - start < 1_000_000;
      }
      if (inWindow) {
        ok.incrementAndGet();
        recorder.recordValue(Math.min(LATENCY_US_MAX, Math.max(1, (end - start) / 1_000)));
      }
      return false;
    }
  }

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Collects results of repeated trials. */
  static List<Double> field(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    List<Double> out = new ArrayList<>();
    for (Result r : rs) {
      out.add(f.applyAsDouble(r));
    }
    return out;
  }
}
