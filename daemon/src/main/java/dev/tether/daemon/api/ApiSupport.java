package dev.tether.daemon.api;

import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.LeaderHint;
import dev.tether.api.v1.NotAuthoritative;
import dev.tether.api.v1.OwnerAnswer;
import dev.tether.api.v1.Staleness;
import dev.tether.daemon.config.PlantedBug;
import dev.tether.daemon.metrics.Metrics;
import dev.tether.daemon.ring.GroupHandle;
import dev.tether.daemon.ring.Region;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.Result;
import dev.tether.statemachine.core.Validate;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service needs: ring resolution, deadlines, writes through group commit, reads at a
 * chosen consistency, and turning failures into gRPC errors with details.
 */
final class ApiSupport {
  private static final Logger LOG = LoggerFactory.getLogger(ApiSupport.class);

  /** Time kept back from a deadline so that an error reaches the caller before it expires. */
  static final long DEADLINE_MARGIN_MS = 20;

  /**
   * Largest serialized size of the last known answers in a {@code NotAuthoritative} error detail.
   * Error details travel in the gRPC trailers, base64-encoded, and gRPC clients refuse trailers
   * above 8 KiB by default (the call then fails with INTERNAL instead of UNAVAILABLE): a
   * BatchLookup of 1000 ids gets as many of its last known answers, in request order, as fit.
   */
  static final int LAST_KNOWN_BYTES_MAX = 4096;

  final Region region;
  final Metrics metrics;
  private final long defaultDeadlineMs;
  private final long staleAfterMs;
  private final boolean staleReadsBug;

  ApiSupport(Region region, Metrics metrics) {
    this.region = region;
    this.metrics = metrics;
    this.defaultDeadlineMs = region.config().timeouts().requestMs();
    // Past the election timeout's upper bound without a leader, Ratis itself starts an election.
    this.staleAfterMs = 2 * region.config().timeouts().electionMs();
    this.staleReadsBug = region.config().has(PlantedBug.STALE_READS);
  }

  /** The hosted ring, or NOT_FOUND / UNAVAILABLE; INVALID_ARGUMENT for a bad name. */
  RingRuntime ring(String name) {
    try {
      Validate.ringName("ring", name);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(e.getMessage());
    }
    return region
        .ring(name)
        .orElseThrow(
            () -> {
              boolean known =
                  region.localCatalog().getRingsList().stream()
                      .anyMatch(r -> r.getName().equals(name));
              return known
                  ? ApiError.unavailable(
                      "ring " + name + " is starting on this daemon; retry", List.of())
                  : ApiError.notFound("ring " + name + " does not exist");
            });
  }

  /**
   * Milliseconds this daemon gives a call before it answers that it could not: the client's
   * deadline (or the configured default) less a margin of a tenth of it (at least {@link
   * #DEADLINE_MARGIN_MS}), so that the UNAVAILABLE answer reaches the client before its deadline
   * even on a loaded machine. (A twentieth arrived late, as DEADLINE_EXCEEDED, in the process E2E
   * test on a busy two-core host.)
   */
  long budgetMs() {
    Deadline d = Context.current().getDeadline();
    long ms = d == null ? defaultDeadlineMs : d.timeRemaining(TimeUnit.MILLISECONDS);
    return budgetMs(ms);
  }

  /** The budget of a call with {@code remainingMs} left. */
  static long budgetMs(long remainingMs) {
    return Math.max(1, remainingMs - Math.max(DEADLINE_MARGIN_MS, remainingMs / 10));
  }

  /** Runs a field check, turning its error into INVALID_ARGUMENT. */
  static void check(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(e.getMessage());
    }
  }

  /** Commits one command through group commit; a typed error result becomes a gRPC error. */
  CompletableFuture<Result> write(RingRuntime ring, Command command) {
    return write(ring.group(), command, ring.name());
  }

  CompletableFuture<Result> write(GroupHandle group, Command command, String label) {
    var leaderHeader = LeaderHeader.holder();
    return commit(group, label, List.of(command))
        .thenApply(
            results -> {
              Result r = results.get(0);
              if (r.getCode() != ErrorCode.ERROR_CODE_OK) {
                throw new CompletionException(ApiError.of(r.getCode(), r.getMessage()));
              }
              announceLeader(group, leaderHeader);
              return r;
            });
  }

  /**
   * Commits independent commands through group commit (in as few entries as it packs them) and
   * completes with their results in order. A typed rejection stays in its item's result; a write
   * that failed or ran out of time fails the whole call, as it would fail a single write.
   */
  CompletableFuture<List<Result>> writeEach(RingRuntime ring, List<Command> commands) {
    var leaderHeader = LeaderHeader.holder();
    return commit(ring.group(), ring.name(), commands)
        .thenApply(
            results -> {
              announceLeader(ring.group(), leaderHeader);
              return results;
            });
  }

  /**
   * Submits the commands to the group's committer and completes with their results in order, or
   * with UNAVAILABLE (and the leader hint) when any of them failed or the call's budget ran out.
   */
  private CompletableFuture<List<Result>> commit(
      GroupHandle group, String label, List<Command> commands) {
    long start = System.nanoTime();
    long budget = budgetMs();
    List<CompletableFuture<Result>> futures = new java.util.ArrayList<>(commands.size());
    for (Command c : commands) {
      futures.add(group.committer().submit(c));
    }
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .orTimeout(budget, TimeUnit.MILLISECONDS)
        .handle(
            (ignored, e) -> {
              long took = System.nanoTime() - start;
              for (int i = 0; i < futures.size(); i++) {
                metrics.commit(label, took, e == null);
              }
              if (e != null) {
                throw new CompletionException(writeFailure(group, e));
              }
              List<Result> results = new java.util.ArrayList<>(futures.size());
              for (CompletableFuture<Result> f : futures) {
                results.add(f.join());
              }
              return results;
            });
  }

  /** Tells the caller, in a response header, which daemon leads the group (when known). */
  private void announceLeader(
      GroupHandle group, java.util.concurrent.atomic.AtomicReference<String> leaderHeader) {
    if (leaderHeader != null) {
      group
          .leader()
          .flatMap(id -> region.directory().get(id))
          .ifPresent(d -> leaderHeader.set(d.getId() + "=" + d.getApiAddress()));
    }
  }

  private StatusRuntimeException writeFailure(GroupHandle group, Throwable e) {
    Throwable cause = unwrap(e);
    String leader = group.leader().orElse("");
    List<LeaderHint> hint =
        leader.isEmpty()
            ? List.of()
            : region
                .directory()
                .get(leader)
                .map(
                    d ->
                        List.of(
                            LeaderHint.newBuilder()
                                .setDaemonId(d.getId())
                                .setApiAddress(d.getApiAddress())
                                .build()))
                .orElse(List.of());
    if (cause instanceof TimeoutException) {
      return ApiError.unavailable(
          "the write was not confirmed within its deadline (no quorum reachable?)"
              + " and may still be applied",
          hint);
    }
    LOG.debug("write failed", cause);
    return ApiError.unavailable("the write failed: " + cause, hint);
  }

  /** Staleness facts of this daemon for a group. */
  Staleness staleness(GroupHandle group) {
    return Staleness.newBuilder()
        .setMsSinceLeaderContact(group.msSinceLeaderContact())
        .setLastKnownLeader(group.leader().orElse(""))
        .addAllOtherDaemons(region.directory().otherApiAddresses())
        .build();
  }

  /** The answer of this daemon's applied state, no coordination. */
  QueryResult stale(RingRuntime ring, Query q) {
    return ring.group().stateMachine().queryLocal(q);
  }

  /**
   * A read at the requested consistency. STALE answers at once from local state. LINEARIZABLE
   * confirms with ReadIndex and fails fast with UNAVAILABLE (and this daemon's last known facts)
   * when no leader is in reach or the deadline passes.
   */
  CompletableFuture<Read> read(RingRuntime ring, Query q, Consistency consistency) {
    if (consistency == Consistency.CONSISTENCY_STALE) {
      return CompletableFuture.completedFuture(new Read(checked(stale(ring, q)), false));
    }
    if (staleReadsBug) {
      return CompletableFuture.completedFuture(new Read(checked(stale(ring, q)), true));
    }
    StatusRuntimeException fast = notInReach(ring, q);
    if (fast != null) {
      return CompletableFuture.failedFuture(fast);
    }
    return ring.group()
        .reads()
        .query(q)
        .orTimeout(budgetMs(), TimeUnit.MILLISECONDS)
        .handle(
            (r, e) -> {
              if (e != null) {
                throw new CompletionException(notAuthoritative(ring, q, unwrap(e)));
              }
              return new Read(checked(r), true);
            });
  }

  /** A read's result and whether a majority confirmed it. */
  record Read(QueryResult result, boolean authoritative) {}

  /** Fails a linearizable read at once when this daemon has not heard from a leader recently. */
  StatusRuntimeException notInReach(RingRuntime ring, Query q) {
    GroupHandle g = ring.group();
    long contact = g.msSinceLeaderContact();
    if (g.leader().isEmpty() || contact < 0 || contact > staleAfterMs) {
      return notAuthoritative(
          ring,
          q,
          new IllegalStateException(
              "no leader in reach for " + (contact < 0 ? "ever" : contact + " ms")));
    }
    return null;
  }

  /** UNAVAILABLE with NotAuthoritative details: last known answers and staleness facts. */
  StatusRuntimeException notAuthoritative(RingRuntime ring, Query q, Throwable cause) {
    QueryResult local = stale(ring, q);
    Staleness s = staleness(ring.group());
    NotAuthoritative.Builder d =
        NotAuthoritative.newBuilder()
            .setRingEpoch(local.getEpoch())
            .setAppliedIndex(local.getAppliedIndex())
            .setStaleness(s);
    if (local.hasLookup()) {
      int bytes = 0;
      for (var a : local.getLookup().getAnswersList()) {
        OwnerAnswer answer = Mapping.answer(a, local.getEpoch(), local.getAppliedIndex(), false, s);
        // field tag (1 byte) + length prefix (at most 3 bytes for answers this small) + body
        bytes += 4 + answer.getSerializedSize();
        if (bytes > LAST_KNOWN_BYTES_MAX) {
          break;
        }
        d.addLastKnown(answer);
      }
    }
    String why =
        cause instanceof TimeoutException
            ? "not confirmed by a majority within the deadline"
            : String.valueOf(cause.getMessage());
    return ApiError.unavailable(
        "not authoritative: " + why + "; STALE reads still answer here", List.of(d.build()));
  }

  /** A query error result becomes the matching gRPC error. */
  static QueryResult checked(QueryResult r) {
    if (r.getErrorCode() != ErrorCode.ERROR_CODE_OK) {
      throw ApiError.of(r.getErrorCode(), r.getErrorMessage());
    }
    return r;
  }

  /** Completes {@code observer} with the future's value or the matching gRPC error. */
  static <T, R> void reply(
      StreamObserver<R> observer, CompletableFuture<T> future, Function<T, R> map) {
    future.whenComplete(
        (value, error) -> {
          if (error != null) {
            observer.onError(toStatus(error));
            return;
          }
          try {
            observer.onNext(map.apply(value));
            observer.onCompleted();
          } catch (RuntimeException e) {
            observer.onError(toStatus(e));
          }
        });
  }

  /** Runs a synchronous handler, turning exceptions into gRPC errors. */
  static <R> void replyNow(StreamObserver<R> observer, java.util.function.Supplier<R> handler) {
    try {
      R r = handler.get();
      observer.onNext(r);
      observer.onCompleted();
    } catch (RuntimeException e) {
      observer.onError(toStatus(e));
    }
  }

  static StatusRuntimeException toStatus(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e instanceof io.grpc.StatusException s) {
      return s.getStatus().asRuntimeException(s.getTrailers());
    }
    if (e instanceof TimeoutException) {
      return ApiError.deadline("the call did not finish within its deadline", List.of());
    }
    LOG.warn("internal error", e);
    return Status.INTERNAL.withDescription(String.valueOf(e)).asRuntimeException();
  }

  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException
            || e instanceof java.util.concurrent.ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
