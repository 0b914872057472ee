package dev.tether.client;

import dev.tether.api.v1.SessionEvent;
import dev.tether.api.v1.SessionServiceGrpc;
import dev.tether.api.v1.WatchSessionsRequest;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to the sessions of one owner node ({@code SessionService.WatchSessions}): what a
 * backend should pre-warm or drop.
 *
 * <p>Each stream starts with the sessions the owner has ({@code KIND_EXISTING} events, then one
 * {@code KIND_SYNCED}) and goes on with live events. When the stream fails or ends, the watcher
 * resubscribes to the next daemon after a jittered backoff, and the new stream starts over with
 * EXISTING events: the listener sees sessions again and must treat events idempotently (a session
 * not repeated before the next SYNCED has gone). Get one from {@link TetherClient#watchSessions}.
 */
public final class SessionWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionWatcher.class);

  private final TetherClient client;
  private final Resubscriber<WatchSessionsRequest, SessionEvent> stream;
  private final Consumer<SessionEvent> listener;

  SessionWatcher(TetherClient client, String ring, String owner, Consumer<SessionEvent> listener) {
    this.client = client;
    this.stream =
        new Resubscriber<>(
            client,
            ring,
            SessionServiceGrpc.getWatchSessionsMethod(),
            WatchSessionsRequest.newBuilder().setRing(ring).setOwner(owner).build(),
            "sessions of " + owner + " in ring " + ring);
    this.listener = listener;
  }

  /** True while the stream is up and has delivered at least one event. */
  public boolean isConnected() {
    return stream.isConnected();
  }

  /** Stops watching. */
  @Override
  public void close() {
    stream.close();
    client.unregister(this);
  }

  void start() {
    stream.start(
        event -> {
          if (event.getKind() == SessionEvent.Kind.KIND_SYNCED) {
            stream.healthy();
          }
          try {
            listener.accept(event);
          } catch (RuntimeException e) {
            log.warn("session event listener failed on {}", event.getKind(), e);
          }
        });
  }
}
