package dev.tether.daemon.ring;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tether.proto.internal.LookupQuery;
import dev.tether.proto.internal.OwnerAnswer;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.statemachine.ratis.Codec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Linearizable reads through Ratis ReadIndex, served by this daemon's replica (a follower read when
 * it is not the leader). Concurrent lookups are combined: one ReadIndex round confirms up to {@code
 * batchMax} of them, with at most {@code inFlightMax} rounds outstanding. This is the main
 * read-throughput lever, as group commit is for writes.
 */
public final class ReadBatcher {
  private final RaftClient client;
  private final RaftPeerId self;
  private final int batchMax;
  private final int inFlightMax;
  private final Supplier<CompletableFuture<Void>> beginRead;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  private record Pending(String id, CompletableFuture<Answer> future) {}

  /** One lookup's answer and the applied index of the replica that answered. */
  public record Answer(OwnerAnswer answer, long appliedIndex, long epoch) {}

  /**
   * @param beginRead called as a read begins; completes when this daemon's leadership, if it leads,
   *     was confirmed after that (see {@link GroupHandle#beginRead})
   */
  public ReadBatcher(
      RaftClient client,
      RaftPeerId self,
      int batchMax,
      int inFlightMax,
      Supplier<CompletableFuture<Void>> beginRead) {
    this.client = client;
    this.self = self;
    this.batchMax = batchMax;
    this.inFlightMax = inFlightMax;
    this.beginRead = beginRead;
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

  /**
   * Any query, confirmed with ReadIndex, not combined. Unordered: a read never waits behind another
   * request of this client (the ordered stream would hold it behind a slow write).
   */
  public CompletableFuture<QueryResult> query(Query q) {
    CompletableFuture<Void> confirmed = beginRead.get();
    return client
        .async()
        .sendReadOnlyUnordered(Codec.message(q), self)
        .thenApply(ReadBatcher::resultOf)
        .thenCombine(confirmed, (r, v) -> r);
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

  static QueryResult resultOf(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new CompletionException(reply.getException());
    }
    try {
      return Codec.parse(reply.getMessage(), QueryResult.parser());
    } catch (InvalidProtocolBufferException e) {
      throw new CompletionException(e);
    }
  }
}
