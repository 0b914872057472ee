package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.api.v1.Session;
import dev.tether.api.v1.SessionEvent;
import dev.tether.api.v1.SessionServiceGrpc;
import dev.tether.api.v1.WatchSessionsRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionWatcherTest {
  /** Hands each WatchSessions subscription to the test. */
  static final class Feeds extends SessionServiceGrpc.SessionServiceImplBase {
    final LinkedBlockingQueue<ServerCallStreamObserver<SessionEvent>> subscriptions =
        new LinkedBlockingQueue<>();
    final CopyOnWriteArrayList<String> owners = new CopyOnWriteArrayList<>();
    volatile boolean cancelled;

    @Override
    public void watchSessions(WatchSessionsRequest request, StreamObserver<SessionEvent> out) {
      ServerCallStreamObserver<SessionEvent> stream = (ServerCallStreamObserver<SessionEvent>) out;
      stream.setOnCancelHandler(() -> cancelled = true);
      owners.add(request.getRing() + "/" + request.getOwner());
      subscriptions.add(stream);
    }

    ServerCallStreamObserver<SessionEvent> next() throws InterruptedException {
      ServerCallStreamObserver<SessionEvent> s = subscriptions.poll(10, TimeUnit.SECONDS);
      assertThat(s).as("a WatchSessions subscription").isNotNull();
      return s;
    }
  }

  private static SessionEvent event(SessionEvent.Kind kind, String id) {
    return SessionEvent.newBuilder()
        .setKind(kind)
        .setSession(Session.newBuilder().setId(id))
        .build();
  }

  @Test
  void deliversEventsInOrderAndStartsOverAfterAFailure() throws Exception {
    // Proves that a session watcher passes the owner's events on in order, resubscribes after the
    // stream fails, and that the new stream starts over with the existing sessions.
    Feeds feeds = new Feeds();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (FakeDaemon daemon = FakeDaemon.start(feeds);
        TetherClient client =
            TetherClient.builder()
                .endpoints(List.of(daemon.address()))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .build()) {
      SessionWatcher watcher =
          client.watchSessions(
              "chat", "n1", e -> seen.add(e.getKind().name() + " " + e.getSession().getId()));
      ServerCallStreamObserver<SessionEvent> first = feeds.next();
      first.onNext(event(SessionEvent.Kind.KIND_EXISTING, "s1"));
      first.onNext(event(SessionEvent.Kind.KIND_SYNCED, ""));
      first.onNext(event(SessionEvent.Kind.KIND_OPENED, "s2"));
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
      assertThat(watcher.isConnected()).isTrue();

      first.onError(Status.UNAVAILABLE.asRuntimeException());
      ServerCallStreamObserver<SessionEvent> second = feeds.next();
      second.onNext(event(SessionEvent.Kind.KIND_EXISTING, "s1"));
      second.onNext(event(SessionEvent.Kind.KIND_EXISTING, "s2"));
      second.onNext(event(SessionEvent.Kind.KIND_SYNCED, ""));
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 6);

      assertThat(seen)
          .containsExactly(
              "KIND_EXISTING s1",
              "KIND_SYNCED ",
              "KIND_OPENED s2",
              "KIND_EXISTING s1",
              "KIND_EXISTING s2",
              "KIND_SYNCED ");
      assertThat(feeds.owners).containsExactly("chat/n1", "chat/n1");

      watcher.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> feeds.cancelled);
      assertThat(feeds.subscriptions.poll(100, TimeUnit.MILLISECONDS)).isNull();
    }
  }
}
