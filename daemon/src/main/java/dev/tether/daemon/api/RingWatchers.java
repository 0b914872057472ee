package dev.tether.daemon.api;

import com.google.protobuf.ByteString;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.SlotMove;
import dev.tether.api.v1.WatchRingRequest;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.RingView;
import dev.tether.proto.internal.RingViewQuery;
import dev.tether.ring.RingLimits;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WatchRing streams: the full ring on subscribe, then one update per ring change with the nodes and
 * the slots that changed owner since the last update that watcher got. A slow watcher gets the
 * latest state when it can take it (updates coalesce), never an unbounded queue.
 */
final class RingWatchers {
  private final ApiSupport api;
  private final int max;
  private final AtomicInteger count;
  private final Map<String, List<Watcher>> byRing = new ConcurrentHashMap<>();

  RingWatchers(ApiSupport api, int max, AtomicInteger sharedCount) {
    this.api = api;
    this.max = max;
    this.count = sharedCount;
  }

  private final class Watcher {
    final RingRuntime ring;
    final ServerCallStreamObserver<RingUpdate> out;
    String[] lastTable;
    boolean dirty;
    boolean closed;

    Watcher(RingRuntime ring, ServerCallStreamObserver<RingUpdate> out) {
      this.ring = ring;
      this.out = out;
    }

    synchronized void push() {
      if (closed) {
        return;
      }
      if (!out.isReady()) {
        dirty = true;
        return;
      }
      dirty = false;
      try {
        out.onNext(update(ring, this));
      } catch (RuntimeException e) {
        closed = true;
      }
    }
  }

  void watch(WatchRingRequest request, StreamObserver<RingUpdate> observer) {
    RingRuntime ring = api.ring(request.getRing());
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      throw ApiError.status(
          com.google.rpc.Code.RESOURCE_EXHAUSTED,
          "this daemon serves " + max + " watch streams, limit api.watchers_max",
          List.of());
    }
    ServerCallStreamObserver<RingUpdate> out = (ServerCallStreamObserver<RingUpdate>) observer;
    Watcher w = new Watcher(ring, out);
    List<Watcher> list = byRing.computeIfAbsent(ring.name(), k -> new CopyOnWriteArrayList<>());
    out.setOnCancelHandler(
        () -> {
          synchronized (w) {
            w.closed = true;
          }
          list.remove(w);
          count.decrementAndGet();
        });
    out.setOnReadyHandler(
        () -> {
          boolean again;
          synchronized (w) {
            again = w.dirty;
          }
          if (again) {
            w.push();
          }
        });
    list.add(w);
    w.push();
  }

  /** The ring changed: tell its watchers. Runs on the daemon's event thread. */
  void changed(String ring) {
    for (Watcher w : byRing.getOrDefault(ring, List.of())) {
      w.push();
    }
  }

  private RingUpdate update(RingRuntime ring, Watcher w) {
    QueryResult r =
        api.stale(ring, Query.newBuilder().setRingView(RingViewQuery.getDefaultInstance()).build());
    RingView view = r.getRingView();
    RingUpdate.Builder u =
        RingUpdate.newBuilder()
            .setRing(ring.name())
            .setEpoch(r.getEpoch())
            .setAppliedIndex(r.getAppliedIndex())
            .setPolicy(Mapping.policy(view.getMeta().getPolicy()));
    List<String> members = new ArrayList<>();
    for (NodeRecord n : view.getNodesList()) {
      u.addNodes(Mapping.node(n));
      if ((n.getStateValue() == 1 || n.getStateValue() == 2) && n.getEffectiveWeightMilli() > 0) {
        members.add(n.getId());
      }
    }
    members.sort(null);
    ByteString table = view.getMeta().getSlotTable();
    String[] owners = null;
    if (table.size() == 2 * RingLimits.SLOTS) {
      owners = new String[RingLimits.SLOTS];
      for (int s = 0; s < owners.length; s++) {
        int index = ((table.byteAt(2 * s) & 0xFF) << 8) | (table.byteAt(2 * s + 1) & 0xFF);
        owners[s] = index == 0xFFFF || index >= members.size() ? "" : members.get(index);
      }
    }
    if (w.lastTable == null || owners == null || w.lastTable.length != owners.length) {

      u.setFull(true).setSlotTable(table).addAllTableMembers(members);
    } else {
      for (int s = 0; s < owners.length; s++) {
        if (!owners[s].equals(w.lastTable[s])) {
          u.addSlotMoves(SlotMove.newBuilder().setSlot(s).setOwner(owners[s]));
        }
      }
    }
    w.lastTable = owners == null ? new String[0] : owners;
    return u.build();
  }
}
