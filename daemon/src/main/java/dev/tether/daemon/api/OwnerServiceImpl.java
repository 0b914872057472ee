package dev.tether.daemon.api;

import dev.tether.api.v1.BatchLookupRequest;
import dev.tether.api.v1.BatchLookupResponse;
import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.LookupRequest;
import dev.tether.api.v1.LookupResponse;
import dev.tether.api.v1.OwnerAnswer;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.Staleness;
import dev.tether.api.v1.WatchRingRequest;
import dev.tether.daemon.config.PlantedBug;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.LookupQuery;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.statemachine.core.Validate;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** OwnerService: who owns a session (authoritative or flagged stale), and the ring itself. */
final class OwnerServiceImpl extends OwnerServiceGrpc.OwnerServiceImplBase {
  /** Most ids in one BatchLookup. */
  static final int BATCH_LOOKUP_IDS_MAX = 1000;

  private final ApiSupport api;
  private final RingWatchers watchers;

  OwnerServiceImpl(ApiSupport api, RingWatchers watchers) {
    this.api = api;
    this.watchers = watchers;
  }

  @Override
  public void lookup(LookupRequest req, StreamObserver<LookupResponse> out) {
    long start = System.nanoTime();
    String consistency = label(req.getConsistency());
    CompletableFuture<OwnerAnswer> answer;
    try {
      RingRuntime ring = api.ring(req.getRing());
      ApiSupport.check(() -> Validate.sessionId("session_id", req.getSessionId()));
      answer = lookup(ring, req.getSessionId(), req.getConsistency());
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (a, e) ->
            api.metrics.lookup(consistency, e == null ? "ok" : "error", System.nanoTime() - start));
    ApiSupport.reply(out, answer, a -> LookupResponse.newBuilder().setAnswer(a).build());
  }

  private CompletableFuture<OwnerAnswer> lookup(
      RingRuntime ring, String id, Consistency consistency) {
    Query q = Query.newBuilder().setLookup(LookupQuery.newBuilder().addSessionIds(id)).build();
    if (consistency == Consistency.CONSISTENCY_STALE
        || api.region.config().has(PlantedBug.STALE_READS)) {
      boolean authoritative = consistency != Consistency.CONSISTENCY_STALE;
      QueryResult r = ApiSupport.checked(api.stale(ring, q));
      Staleness s = authoritative ? null : api.staleness(ring.group());
      return CompletableFuture.completedFuture(
          Mapping.answer(
              r.getLookup().getAnswers(0), r.getEpoch(), r.getAppliedIndex(), authoritative, s));
    }
    var fast = api.notInReach(ring, q);
    if (fast != null) {
      return CompletableFuture.failedFuture(fast);
    }
    return ring.group()
        .reads()
        .lookup(id)
        .orTimeout(api.budgetMs(), TimeUnit.MILLISECONDS)
        .handle(
            (a, e) -> {
              if (e != null) {
                throw new CompletionException(api.notAuthoritative(ring, q, ApiSupport.unwrap(e)));
              }
              return Mapping.answer(a.answer(), a.epoch(), a.appliedIndex(), true, null);
            });
  }

  @Override
  public void batchLookup(BatchLookupRequest req, StreamObserver<BatchLookupResponse> out) {
    long start = System.nanoTime();
    String consistency = label(req.getConsistency());
    CompletableFuture<BatchLookupResponse> result;
    try {
      RingRuntime ring = api.ring(req.getRing());
      ApiSupport.check(
          () -> {
            Validate.range(
                "session_ids count",
                req.getSessionIdsCount(),
                1,
                BATCH_LOOKUP_IDS_MAX,
                "BATCH_LOOKUP_IDS_MAX");
            for (String id : req.getSessionIdsList()) {
              Validate.sessionId("session_ids", id);
            }
          });
      Query q =
          Query.newBuilder()
              .setLookup(LookupQuery.newBuilder().addAllSessionIds(req.getSessionIdsList()))
              .build();
      result =
          api.read(ring, q, req.getConsistency())
              .thenApply(
                  read -> {
                    Staleness s = read.authoritative() ? null : api.staleness(ring.group());
                    BatchLookupResponse.Builder b = BatchLookupResponse.newBuilder();
                    for (var a : read.result().getLookup().getAnswersList()) {
                      b.addAnswers(
                          Mapping.answer(
                              a,
                              read.result().getEpoch(),
                              read.result().getAppliedIndex(),
                              read.authoritative(),
                              s));
                    }
                    return b.build();
                  });
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete(
        (a, e) ->
            api.metrics.lookup(consistency, e == null ? "ok" : "error", System.nanoTime() - start));
    ApiSupport.reply(out, result, r -> r);
  }

  @Override
  public void watchRing(WatchRingRequest req, StreamObserver<RingUpdate> out) {
    try {
      watchers.watch(req, out);
    } catch (RuntimeException e) {
      out.onError(ApiSupport.toStatus(e));
    }
  }

  static String label(Consistency c) {
    return c == Consistency.CONSISTENCY_STALE ? "stale" : "linearizable";
  }
}
