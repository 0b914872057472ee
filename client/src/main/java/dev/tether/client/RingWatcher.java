package dev.tether.client;

import dev.tether.api.v1.Node;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.WatchRingRequest;
import dev.tether.ring.Placement;
import dev.tether.ring.SessionHash;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private final Resubscriber<WatchRingRequest, RingUpdate> stream;
  private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private volatile RingView view;

  /** Guarded by the stream's lock: a full update arrived on the current stream. */
  private boolean sawFull;

  RingWatcher(String ring, TetherClient client) {
    this.ring = ring;
    this.client = client;
    this.stream =
        new Resubscriber<>(
            client,
            ring,
            OwnerServiceGrpc.getWatchRingMethod(),
            WatchRingRequest.newBuilder().setRing(ring).build(),
            "ring " + ring);
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
    return stream.isConnected();
  }

  /**
   * Waits until the watcher {@link #isReady() is ready}.
   *
   * @return false if {@code timeout} passed first, or the watcher was closed
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stream.lock) {
      while (view == null && !stream.isClosed()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(stream.lock, left);
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
   * order; it should return quickly. A listener that throws is logged and kept.
   */
  public void addListener(LongConsumer onEpoch) {
    listeners.add(TetherClient.notNull("onEpoch", onEpoch));
  }

  /** Stops watching. The last view stays readable. */
  @Override
  public void close() {
    stream.close();
    client.unregister(this);
  }

  void start() {
    stream.start(new Handler());
  }

  /** Runs under the stream's lock. */
  private final class Handler implements Resubscriber.Handler<RingUpdate> {
    @Override
    public void onSubscribe() {
      sawFull = false;
    }

    @Override
    public void onMessage(RingUpdate update) {
      try {
        if (!update.getFull() && (!sawFull || view == null)) {
          throw new IllegalArgumentException("incremental update before a full one");
        }
        view = update.getFull() ? RingView.full(update) : view.next(update);
      } catch (IllegalArgumentException e) {
        // Never answer from a table that does not match the daemon's: drop it, and resubscribe.
        view = null;
        throw new IllegalArgumentException(
            "update at epoch " + update.getEpoch() + " is inconsistent: " + e.getMessage(), e);
      }
      if (update.getFull()) {
        sawFull = true;
        stream.healthy();
      }
      stream.lock.notifyAll();
      long epoch = view.epoch();
      for (LongConsumer listener : listeners) {
        try {
          listener.accept(epoch);
        } catch (RuntimeException e) {
          log.warn("ring {}: listener failed at epoch {}", ring, epoch, e);
        }
      }
    }

    @Override
    public void onEnd(Status status) {
      if (status.getCode() == Status.Code.NOT_FOUND) {
        // The ring is gone: its placement means nothing any more.
        view = null;
      }
    }
  }
}
