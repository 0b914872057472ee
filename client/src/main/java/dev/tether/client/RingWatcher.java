package dev.tether.client;

import dev.tether.api.v1.Node;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.WatchRingRequest;
import dev.tether.ring.Placement;
import dev.tether.ring.SessionHash;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local copy of one ring's placement, kept current by {@code OwnerService.WatchRing}: it answers
 * who owns an <em>unpinned</em> session without a call, exactly as the daemon's placement does
 * (docs/ring-spec.md; probe 0, no bounded load).
 *
 * <p>Opened sessions are pinned and may live elsewhere: use {@link TetherClient#lookup} for them.
 * Get a watcher from {@link TetherClient#watchRing}. It subscribes in the background; {@link
 * #awaitReady} waits for the first full update. When the stream fails or ends it resubscribes to
 * the next daemon after a jittered backoff (bounded by the client's backoff maximum; the first
 * update of every stream is full), answering from its last view meanwhile ({@link #isConnected()}
 * tells). When an update does not fit the view (a decode fails), it drops its placement and
 * resubscribes, so it never answers from a table it cannot trust. Thread-safe.
 */
public final class RingWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RingWatcher.class);

  private final String ring;
  private final TetherClient client;
  private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private volatile RingView view;
  private volatile boolean connected;

  // Guarded by lock.
  private int generation;
  private boolean sawFull;
  private ClientCall<WatchRingRequest, RingUpdate> call;
  private String address;
  private int failures;
  private Future<?> resubscribe;
  private boolean closed;

  RingWatcher(String ring, TetherClient client) {
    this.ring = ring;
    this.client = client;
  }

  /** The ring watched. */
  public String ring() {
    return ring;
  }

  /** The epoch of the local view, or -1 before the first full update (or after a reset). */
  public long epoch() {
    RingView v = view;
    return v == null ? -1 : v.epoch();
  }

  /** True once a full update has been applied, until an inconsistent update resets the view. */
  public boolean isReady() {
    return view != null;
  }

  /** True while the stream is up and has delivered at least one update. */
  public boolean isConnected() {
    return connected;
  }

  /**
   * Waits until the watcher {@link #isReady() is ready}.
   *
   * @return false if {@code timeout} passed first
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (view == null && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return view != null;
    }
  }

  /**
   * The node that the placement gives {@code sessionId}: the owner of an unpinned session. Empty
   * when the watcher is not ready or the ring has no JOINING or ACTIVE node.
   *
   * @throws IllegalArgumentException if {@code sessionId} is empty or over 256 UTF-8 bytes
   */
  public Optional<Node> ownerOf(String sessionId) {
    SessionHash.checkSessionId("sessionId", sessionId);
    RingView v = view;
    return v == null ? Optional.empty() : Optional.ofNullable(v.ownerOf(sessionId));
  }

  /** The placement of the local view, to compute shares or probe orders; empty if not ready. */
  public Optional<Placement> placement() {
    RingView v = view;
    return v == null ? Optional.empty() : Optional.of(v.placement());
  }

  /** Every node of the ring, in any state, sorted by id; empty if not ready. */
  public List<Node> nodes() {
    RingView v = view;
    return v == null ? List.of() : List.copyOf(v.nodes().values());
  }

  /**
   * Calls {@code onEpoch} with the new epoch after each applied update, on the stream's thread, in
   * order. A listener that throws is logged and kept.
   */
  public void addListener(LongConsumer onEpoch) {
    listeners.add(TetherClient.notNull("onEpoch", onEpoch));
  }

  /** Stops watching. The view stays readable. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      connected = false;
      cancelCall("watcher closed");
      if (resubscribe != null) {
        resubscribe.cancel(false);
      }
      lock.notifyAll();
    }
    client.unregister(this);
  }

  void start() {
    synchronized (lock) {
      subscribe();
    }
  }

  /** Holds lock. */
  private void subscribe() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    sawFull = false;
    address = client.endpoints().pick(false, ring);
    try {
      call =
          client
              .endpoints()
              .channel(address)
              .newCall(
                  OwnerServiceGrpc.getWatchRingMethod(),
                  CallOptions.DEFAULT.withOption(Endpoints.GROUP, ring));
      ClientCalls.asyncServerStreamingCall(
          call, WatchRingRequest.newBuilder().setRing(ring).build(), new Observer(gen));
    } catch (RuntimeException e) {
      log.warn("ring {}: cannot subscribe at {}: {}", ring, address, e.toString());
      call = null;
      scheduleResubscribe();
    }
  }

  /** Holds lock. Cancels the current stream; its late callbacks are ignored. */
  private void cancelCall(String why) {
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
    long delay = client.backoff().delayNanos(failures);
    try {
      resubscribe =
          client
              .watchScheduler()
              .schedule(
                  () -> {
                    synchronized (lock) {
                      subscribe();
                    }
                  },
                  delay,
                  TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The client is closing.
    }
  }

  private void onUpdate(int gen, RingUpdate update) {
    long epoch;
    synchronized (lock) {
      if (gen != generation || closed) {
        return;
      }
      connected = true;
      try {
        if (!update.getFull() && (!sawFull || view == null)) {
          throw new IllegalArgumentException("incremental update before a full one");
        }
        view = update.getFull() ? RingView.full(update) : view.next(update);
      } catch (IllegalArgumentException e) {
        log.warn(
            "ring {}: dropping the local placement, update at epoch {} from {} is inconsistent: {}",
            ring,
            update.getEpoch(),
            address,
            e.getMessage());
        view = null;
        connected = false;
        cancelCall("inconsistent update");
        client.endpoints().failed(address, ring);
        scheduleResubscribe();
        return;
      }
      if (update.getFull()) {
        sawFull = true;
        failures = 0;
      }
      epoch = view.epoch();
      lock.notifyAll();
    }
    for (LongConsumer listener : listeners) {
      try {
        listener.accept(epoch);
      } catch (RuntimeException e) {
        log.warn("ring {}: listener failed at epoch {}", ring, epoch, e);
      }
    }
  }

  private void onEnd(int gen, Status status) {
    synchronized (lock) {
      if (gen != generation || closed) {
        return;
      }
      generation++;
      call = null;
      connected = false;
      log.info("ring {}: watch stream from {} ended: {}", ring, address, status);
      if (status.getCode() == Status.Code.NOT_FOUND) {
        // The ring is gone: its placement means nothing any more.
        view = null;
      }
      client.endpoints().failed(address, ring);
      scheduleResubscribe();
    }
  }

  private final class Observer implements StreamObserver<RingUpdate> {
    private final int gen;

    Observer(int gen) {
      this.gen = gen;
    }

    @Override
    public void onNext(RingUpdate update) {
      onUpdate(gen, update);
    }

    @Override
    public void onError(Throwable t) {
      onEnd(gen, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      onEnd(gen, Status.OK.withDescription("completed by the daemon"));
    }
  }
}
