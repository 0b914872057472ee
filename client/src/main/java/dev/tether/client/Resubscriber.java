package dev.tether.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server stream, kept open: when it fails, ends, or its handler refuses a message, it is
 * cancelled and opened again on the client's current endpoint after a jittered backoff (growing to
 * the client's backoff maximum, reset by {@link #healthy()}), until {@link #close()}.
 *
 * <p>Every handler call runs under {@link #lock}, in stream order; callbacks of a stream that was
 * replaced are dropped.
 */
final class Resubscriber<Q, R> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Resubscriber.class);

  /** What a stream's messages mean to its owner. */
  interface Handler<R> {
    /** A new stream is about to start. */
    default void onSubscribe() {}

    /**
     * One message.
     *
     * @throws IllegalArgumentException when the message does not fit: the stream is restarted
     */
    void onMessage(R message);

    /** The stream ended (INTERNAL when a message was refused); a resubscribe follows. */
    default void onEnd(Status status) {}
  }

  /** Guards the handler's state and this object's. */
  final Object lock = new Object();

  private final TetherClient client;
  private final String group;
  private final MethodDescriptor<Q, R> method;
  private final Q request;
  private final String what;
  private Handler<R> handler;
  private volatile boolean connected;

  // Guarded by lock.
  private int generation;
  private ClientCall<Q, R> call;
  private String address = "";
  private int failures;
  private Future<?> pending;
  private boolean closed;

  Resubscriber(
      TetherClient client, String group, MethodDescriptor<Q, R> method, Q request, String what) {
    this.client = client;
    this.group = group;
    this.method = method;
    this.request = request;
    this.what = what;
  }

  /** Opens the first stream. */
  void start(Handler<R> handler) {
    synchronized (lock) {
      this.handler = handler;
      subscribe();
    }
  }

  /** True while a stream is open and has delivered a message. */
  boolean isConnected() {
    return connected;
  }

  /** True once {@link #close()} was called. */
  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Resets the backoff: the stream is delivering what it should. */
  void healthy() {
    synchronized (lock) {
      failures = 0;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      connected = false;
      cancel("closed");
      if (pending != null) {
        pending.cancel(false);
      }
      lock.notifyAll();
    }
  }

  /** Holds lock. */
  private void subscribe() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    handler.onSubscribe();
    address = client.endpoints().pick(false, group);
    try {
      call =
          client
              .endpoints()
              .channel(address)
              .newCall(method, CallOptions.DEFAULT.withOption(Endpoints.GROUP, group));
      ClientCalls.asyncServerStreamingCall(call, request, new Observer(gen));
    } catch (RuntimeException e) {
      log.warn("{}: cannot subscribe at {}: {}", what, address, e.toString());
      call = null;
      scheduleResubscribe();
    }
  }

  /** Holds lock. Cancels the current stream; its late callbacks are dropped. */
  private void cancel(String why) {
    generation++;
    if (call != null) {
      call.cancel(why, null);
      call = null;
    }
  }

  /** Holds lock. */
  private void scheduleResubscribe() {
    if (closed) {
      return;
    }
    failures++;
    try {
      pending =
          client
              .watchScheduler()
              .schedule(
                  () -> {
                    synchronized (lock) {
                      subscribe();
                    }
                  },
                  client.backoff().delayNanos(failures),
                  TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The client is closing.
    }
  }

  private void onMessage(int gen, R message) {
    synchronized (lock) {
      if (gen != generation || closed) {
        return;
      }
      connected = true;
      try {
        handler.onMessage(message);
      } catch (IllegalArgumentException e) {
        log.warn("{}: restarting the stream from {}: {}", what, address, e.getMessage());
        end(Status.INTERNAL.withDescription(e.getMessage()));
      }
    }
  }

  private void onEnd(int gen, Status status) {
    synchronized (lock) {
      if (gen != generation || closed) {
        return;
      }
      log.info("{}: stream from {} ended: {}", what, address, status);
      end(status);
    }
  }

  /** Holds lock. */
  private void end(Status status) {
    connected = false;
    cancel(status.getCode().toString());
    handler.onEnd(status);
    client.endpoints().failed(address, group);
    scheduleResubscribe();
  }

  private final class Observer implements StreamObserver<R> {
    private final int gen;

    Observer(int gen) {
      this.gen = gen;
    }

    @Override
    public void onNext(R message) {
      onMessage(gen, message);
    }

    @Override
    public void onError(Throwable t) {
      onEnd(gen, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      onEnd(gen, Status.UNAVAILABLE.withDescription("completed by the daemon"));
    }
  }
}
