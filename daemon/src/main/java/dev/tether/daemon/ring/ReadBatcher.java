package dev.tether.daemon.ring;

import dev.tether.proto.internal.LookupQuery;
import dev.tether.proto.internal.OwnerAnswer;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Linearizable reads served by this daemon's replica, leader or follower ({@link
 * GroupHandle#readLinearizable}). Concurrent lookups are combined: one confirmed read answers up to
 * {@code batchMax} of them, with at most {@code inFlightMax} reads outstanding. This is the main
 * read-throughput lever, as group commit is for writes.
 */
public final class ReadBatcher {
  private final int batchMax;
  private final int inFlightMax;
  private final Function<Query, CompletableFuture<QueryResult>> linearizable;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  private record Pending(String id, CompletableFuture<Answer> future) {}

  /** One lookup's answer and the applied index of the replica that answered. */
  public record Answer(OwnerAnswer answer, long appliedIndex, long epoch) {}

  /**
   * @param linearizable runs one query linearizably against this daemon's replica
   */
  public ReadBatcher(
      int batchMax, int inFlightMax, Function<Query, CompletableFuture<QueryResult>> linearizable) {
    this.batchMax = batchMax;
    this.inFlightMax = inFlightMax;
    this.linearizable = linearizable;
  }

  /** The linearizable owner of {@code sessionId}, combined with concurrent lookups. */
  public CompletableFuture<Answer> lookup(String sessionId) {
    CompletableFuture<Answer> f = new CompletableFuture<>();
    synchronized (this) {
      queue.add(new Pending(sessionId, f));
    }
    pump();
    return f;
  }

  /** Any query, linearizable, not combined. */
  public CompletableFuture<QueryResult> query(Query q) {
    return linearizable.apply(q);
  }

  private void pump() {
    while (true) {
      List<Pending> batch = new ArrayList<>();
      synchronized (this) {
        if (inFlight >= inFlightMax || queue.isEmpty()) {
          return;
        }
        while (!queue.isEmpty() && batch.size() < batchMax) {
          batch.add(queue.poll());
        }
        inFlight++;
      }
      LookupQuery.Builder lq = LookupQuery.newBuilder();
      for (Pending p : batch) {
        lq.addSessionIds(p.id());
      }
      query(Query.newBuilder().setLookup(lq).build())
          .whenComplete(
              (r, e) -> {
                synchronized (this) {
                  inFlight--;
                }
                for (int i = 0; i < batch.size(); i++) {
                  CompletableFuture<Answer> f = batch.get(i).future();
                  if (e != null) {
                    f.completeExceptionally(
                        e instanceof CompletionException && e.getCause() != null
                            ? e.getCause()
                            : e);
                  } else if (r.hasLookup() && i < r.getLookup().getAnswersCount()) {
                    f.complete(
                        new Answer(r.getLookup().getAnswers(i), r.getAppliedIndex(), r.getEpoch()));
                  } else {
                    f.completeExceptionally(
                        new IllegalStateException(r.getErrorCode() + ": " + r.getErrorMessage()));
                  }
                }
                pump();
              });
    }
  }
}
