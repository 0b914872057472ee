package dev.tether.bench.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The load generator keeps exactly its number of callers in flight, stops at the operation bound,
 * drains, and counts failures apart from successes.
 */
class ClosedLoopTest {
  @Test
  void keepsEveryCallerBusyAndStopsAtTheBound() throws InterruptedException {
    ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    try {
      ClosedLoop loop =
          new ClosedLoop(
              8,
              caller -> {
                peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                server.schedule(
                    () -> {
                      inFlight.decrementAndGet();
                      f.complete(true);
                    },
                    200,
                    TimeUnit.MICROSECONDS);
                return f;
              });
      ClosedLoop.Outcome o = loop.run(50, 10_000, 2_000);

      assertThat(o.ops()).isGreaterThanOrEqualTo(2_000);
      assertThat(o.failures()).isZero();
      assertThat(o.drained()).isTrue();
      assertThat(o.latencyUs().getTotalCount()).isGreaterThanOrEqualTo(2_000);
      assertThat(peak.get()).isEqualTo(8);
      assertThat(inFlight.get()).isZero();
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void countsFailuresApartAndNamesTheFirst() throws InterruptedException {
    ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger calls = new AtomicInteger();
    try {
      ClosedLoop loop =
          new ClosedLoop(
              2,
              caller -> {
                boolean ok = calls.incrementAndGet() % 2 == 0;
                return CompletableFuture.supplyAsync(
                    () -> {
                      if (!ok) {
                        throw new IllegalStateException("refused");
                      }
                      return true;
                    },
                    server);
              });
      ClosedLoop.Outcome o = loop.run(0, 10_000, 100);

      assertThat(o.ops()).isGreaterThanOrEqualTo(100);
      assertThat(o.failures()).isPositive();
      assertThat(o.error()).contains("refused");
    } finally {
      server.shutdownNow();
    }
  }
}
