package dev.tether.daemon.api;

import dev.tether.api.v1.MigrationReason;
import dev.tether.api.v1.SessionEvent;
import dev.tether.api.v1.WatchSessionsRequest;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.ListSessionsQuery;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.SessionView;
import dev.tether.statemachine.core.Event;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.core.Validate;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WatchSessions streams: a node's sessions now (EXISTING, then SYNCED), then every session that is
 * opened on it, moves to or away from it, closes or expires. Each watcher's queue is bounded; a
 * watcher that falls too far behind is ended with RESOURCE_EXHAUSTED and must resubscribe.
 */
final class SessionWatchers {
  /** Events buffered per watcher before it is cut off. */
  static final int QUEUE_MAX = 10_000;

  private final ApiSupport api;
  private final int max;
  private final AtomicInteger count;
  private final Map<String, List<Watcher>> byRing = new ConcurrentHashMap<>();

  SessionWatchers(ApiSupport api, int max, AtomicInteger sharedCount) {
    this.api = api;
    this.max = max;
    this.count = sharedCount;
  }

  private static final class Watcher {
    final String owner;
    final ServerCallStreamObserver<SessionEvent> out;
    final ArrayDeque<SessionEvent> queue = new ArrayDeque<>();
    long syncedIndex = Long.MAX_VALUE;
    boolean closed;

    Watcher(String owner, ServerCallStreamObserver<SessionEvent> out) {
      this.owner = owner;
      this.out = out;
    }

    synchronized void offer(SessionEvent e) {
      if (closed) {
        return;
      }
      if (e.getAppliedIndex() <= syncedIndex
          && e.getKind() != SessionEvent.Kind.KIND_EXISTING
          && e.getKind() != SessionEvent.Kind.KIND_SYNCED) {
        return; // already covered by the initial listing
      }
      if (queue.size() >= QUEUE_MAX) {
        closed = true;
        out.onError(
            ApiError.status(
                com.google.rpc.Code.RESOURCE_EXHAUSTED,
                "watcher fell " + QUEUE_MAX + " events behind; resubscribe",
                List.of()));
        return;
      }
      queue.add(e);
      drain();
    }

    synchronized void drain() {
      while (!closed && out.isReady() && !queue.isEmpty()) {
        out.onNext(queue.poll());
      }
    }
  }

  void watch(WatchSessionsRequest request, StreamObserver<SessionEvent> observer) {
    RingRuntime ring = api.ring(request.getRing());
    ApiSupport.check(() -> Validate.nodeId("owner", request.getOwner()));
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      throw ApiError.status(
          com.google.rpc.Code.RESOURCE_EXHAUSTED,
          "this daemon serves " + max + " watch streams, limit api.watchers_max",
          List.of());
    }
    ServerCallStreamObserver<SessionEvent> out = (ServerCallStreamObserver<SessionEvent>) observer;
    Watcher w = new Watcher(request.getOwner(), out);
    List<Watcher> list = byRing.computeIfAbsent(ring.name(), k -> new CopyOnWriteArrayList<>());
    out.setOnCancelHandler(
        () -> {
          synchronized (w) {
            w.closed = true;
          }
          list.remove(w);
          count.decrementAndGet();
        });
    out.setOnReadyHandler(w::drain);
    // Register first so nothing applied during the listing is missed; events up to the listing's
    // applied index are then dropped as duplicates.
    list.add(w);
    String after = "";
    long index = 0;
    do {
      QueryResult page =
          ApiSupport.checked(
              api.stale(
                  ring,
                  Query.newBuilder()
                      .setListSessions(
                          ListSessionsQuery.newBuilder()
                              .setOwner(request.getOwner())
                              .setAfter(after)
                              .setLimit(Limits.LIST_PAGE_MAX))
                      .build()));
      index = Math.max(index, page.getAppliedIndex());
      NodeRecord owner = node(ring, request.getOwner());
      for (SessionView v : page.getSessions().getSessionsList()) {
        w.offer(
            SessionEvent.newBuilder()
                .setKind(SessionEvent.Kind.KIND_EXISTING)
                .setSession(Mapping.session(v.getSessionId(), v.getSession(), owner))
                .setAppliedIndex(page.getAppliedIndex())
                .build());
      }
      after = page.getSessions().getNextAfter();
    } while (!after.isEmpty());
    synchronized (w) {
      w.syncedIndex = index;
    }
    w.offer(
        SessionEvent.newBuilder()
            .setKind(SessionEvent.Kind.KIND_SYNCED)
            .setAppliedIndex(index)
            .build());
  }

  /** Fans out what a ring applied. Runs on the daemon's event thread. */
  void applied(RingRuntime ring, long index, List<Event> events) {
    List<Watcher> list = byRing.get(ring.name());
    if (list == null || list.isEmpty()) {
      return;
    }
    for (Event e : events) {
      if (!(e instanceof Event.SessionChanged s)) {
        continue;
      }
      String newOwner = s.session() == null ? "" : s.session().getOwner();
      for (Watcher w : list) {
        SessionEvent.Kind kind = kindFor(w.owner, s, newOwner);
        if (kind == null) {
          continue;
        }
        String ownerId = kind == SessionEvent.Kind.KIND_MOVED_OUT ? newOwner : w.owner;
        SessionEvent.Builder ev =
            SessionEvent.newBuilder()
                .setKind(kind)
                .setAppliedIndex(index)
                .setReason(MigrationReason.forNumber(s.reason().getNumber()));
        if (s.session() != null) {
          ev.setSession(Mapping.session(s.sessionId(), s.session(), node(ring, ownerId)));
        } else {
          ev.setSession(dev.tether.api.v1.Session.newBuilder().setId(s.sessionId()));
        }
        w.offer(ev.build());
      }
    }
  }

  private static SessionEvent.Kind kindFor(
      String watched, Event.SessionChanged s, String newOwner) {
    boolean wasMine = s.previousOwner().equals(watched);
    boolean isMine = newOwner.equals(watched);
    if (s.session() == null) {
      return wasMine
          ? (s.expired() ? SessionEvent.Kind.KIND_EXPIRED : SessionEvent.Kind.KIND_CLOSED)
          : null;
    }
    if (isMine && s.previousOwner().isEmpty()) {
      return SessionEvent.Kind.KIND_OPENED;
    }
    if (isMine && !wasMine) {
      return SessionEvent.Kind.KIND_MOVED_IN;
    }
    if (wasMine && !isMine) {
      return SessionEvent.Kind.KIND_MOVED_OUT;
    }
    return null;
  }

  private static NodeRecord node(RingRuntime ring, String id) {
    return ring.group().stateMachine().read(core -> ((RingCore) core).inspector().node(id));
  }
}
