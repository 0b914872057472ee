package dev.tether.client;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.TimeUnit;

/**
 * Runs one blocking unary call with failover and bounded retries.
 *
 * <p>The call gets one deadline, measured on the ticker from its start, that covers every attempt
 * and backoff. Only UNAVAILABLE and DEADLINE_EXCEEDED are retried: the failing endpoint is marked
 * (reads move to the next endpoint, the group's leader hint is dropped), and the next attempt waits
 * a jittered exponential backoff. The loop stops after {@code attempts} attempts, or as soon as the
 * backoff would not leave time before the deadline, and throws the last error. Every Tether write
 * is safe to retry (see {@link TetherClient}).
 */
final class Caller {
  private final Endpoints endpoints;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final long deadlineNanos;
  private final int attempts;

  Caller(
      Endpoints endpoints,
      Ticker ticker,
      Sleeper sleeper,
      Backoff backoff,
      long deadlineNanos,
      int attempts) {
    this.endpoints = endpoints;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.backoff = backoff;
    this.deadlineNanos = deadlineNanos;
    this.attempts = attempts;
  }

  /** A read of {@code group} (any daemon may answer it). */
  <Q, R> R read(MethodDescriptor<Q, R> method, String group, Q request) {
    return call(method, group, request, false);
  }

  /** A write to {@code group} (goes to the group's hinted leader, when there is one). */
  <Q, R> R write(MethodDescriptor<Q, R> method, String group, Q request) {
    return call(method, group, request, true);
  }

  private <Q, R> R call(MethodDescriptor<Q, R> method, String group, Q request, boolean write) {
    long deadlineAt = ticker.read() + deadlineNanos;
    TetherException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        long delay = backoff.delayNanos(attempt - 1);
        if (delay >= deadlineAt - ticker.read()) {
          break;
        }
        pause(delay);
      }
      long remaining = deadlineAt - ticker.read();
      if (remaining <= 0) {
        break;
      }
      String address = endpoints.pick(write, group);
      CallOptions options =
          CallOptions.DEFAULT
              .withDeadlineAfter(remaining, TimeUnit.NANOSECONDS)
              .withOption(Endpoints.GROUP, group);
      try {
        return ClientCalls.blockingUnaryCall(endpoints.channel(address), method, options, request);
      } catch (StatusRuntimeException e) {
        TetherException mapped = Errors.map(e, address);
        if (Errors.retryable(e.getStatus().getCode())) {
          endpoints.failed(address, group);
        }
        mapped.leaderHint().ifPresent(hint -> endpoints.hint(group, hint));
        if (!Errors.retryable(e.getStatus().getCode())) {
          throw mapped;
        }
        last = mapped;
      }
    }
    if (last != null) {
      throw last;
    }
    throw Errors.of(
        Status.Code.DEADLINE_EXCEEDED,
        method.getBareMethodName() + " had no time left for an attempt",
        "",
        ErrorDetails.NONE,
        null);
  }

  private void pause(long nanos) {
    try {
      sleeper.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.of(
          Status.Code.CANCELLED, "interrupted while backing off", "", ErrorDetails.NONE, e);
    }
  }
}
