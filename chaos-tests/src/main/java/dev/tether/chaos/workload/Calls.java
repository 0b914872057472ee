package dev.tether.chaos.workload;

import dev.tether.api.v1.GetStateResponse;
import dev.tether.api.v1.OpenResponse;
import dev.tether.api.v1.Session;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import dev.tether.client.ConflictException;
import dev.tether.client.LookupResult;
import dev.tether.client.ReadConsistency;
import dev.tether.client.TetherClient;
import dev.tether.client.TetherException;
import dev.tether.client.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes one client call and records it: invocation and completion times, the answer, and the
 * outcome by Jepsen's rules (a failed read did nothing; a write that timed out or lost its
 * connection is unknown).
 */
public final class Calls {
  private final History history;
  private final String ring;

  public Calls(History history, String ring) {
    this.history = history;
    this.ring = ring;
  }

  /** Who owns {@code key}, as seen by the process's daemon. */
  public Op lookup(TetherClient c, int process, String daemon, String key, boolean stale) {
    return read(
        process,
        daemon,
        OpKind.LOOKUP,
        key,
        stale,
        () ->
            answer(
                c.lookup(ring, key, stale ? ReadConsistency.STALE : ReadConsistency.LINEARIZABLE)));
  }

  /** The state of {@code key}. */
  public Op get(TetherClient c, int process, String daemon, String key, boolean stale) {
    return read(
        process,
        daemon,
        OpKind.GET,
        key,
        stale,
        () -> {
          GetStateResponse r =
              c.getState(ring, key, stale ? ReadConsistency.STALE : ReadConsistency.LINEARIZABLE);
          Session s = r.getSession();
          return new Op.Answer(
              s.getFencingToken(),
              s.getOwner().getId(),
              s.getStateVersion(),
              r.getData().toString(StandardCharsets.UTF_8),
              r.getAuthoritative(),
              true,
              false,
              !r.getAuthoritative(),
              r.getAppliedIndex());
        });
  }

  /** A compare-and-set of {@code key}'s state, fenced by {@code token}. */
  public Op put(
      TetherClient c,
      int process,
      String daemon,
      String key,
      long token,
      long version,
      String data) {
    Op.Request req = new Op.Request(token, version, data);
    return write(
        process,
        daemon,
        OpKind.PUT,
        key,
        req,
        () -> {
          long v = c.putState(ring, key, token, version, data.getBytes(StandardCharsets.UTF_8));
          return new Op.Answer(token, "", v, data, true, true, false, false, 0);
        });
  }

  /** Opens {@code key}: a new session, or the existing one (moved if its owner is gone). */
  public Op open(TetherClient c, int process, String daemon, String key, boolean isNew) {
    return write(
        process,
        daemon,
        isNew ? OpKind.OPEN_NEW : OpKind.OPEN,
        key,
        Op.Request.NONE,
        () -> {
          OpenResponse r = c.openSession(ring, key);
          Session s = r.getSession();
          return new Op.Answer(
              s.getFencingToken(),
              s.getOwner().getId(),
              s.getStateVersion(),
              null,
              true,
              true,
              false,
              false,
              0);
        });
  }

  /** One lookup of many sessions (final checks), recorded as one lookup per session. */
  public List<Op> batchLookup(TetherClient c, int process, String daemon, List<String> keys) {
    long invoke = history.now();
    try {
      List<LookupResult> rs = c.batchLookup(ring, keys, ReadConsistency.LINEARIZABLE);
      long done = history.now();
      return rs.stream()
          .map(
              r ->
                  record(
                      process,
                      daemon,
                      OpKind.LOOKUP,
                      r.sessionId(),
                      false,
                      Op.Request.NONE,
                      invoke,
                      done,
                      Outcome.OK,
                      answer(r),
                      ""))
          .toList();
    } catch (TetherException e) {
      long done = history.now();
      return keys.stream()
          .map(
              k ->
                  record(
                      process,
                      daemon,
                      OpKind.LOOKUP,
                      k,
                      false,
                      Op.Request.NONE,
                      invoke,
                      done,
                      Outcome.FAIL,
                      null,
                      error(e)))
          .toList();
    }
  }

  private Op read(
      int process,
      String daemon,
      OpKind kind,
      String key,
      boolean stale,
      Supplier<Op.Answer> call) {
    long invoke = history.now();
    try {
      Op.Answer a = call.get();
      return record(
          process,
          daemon,
          kind,
          key,
          stale,
          Op.Request.NONE,
          invoke,
          history.now(),
          Outcome.OK,
          a,
          "");
    } catch (UnavailableException e) {
      Op.Answer lastKnown = e.lastKnown().isEmpty() ? null : answer(e.lastKnown().get(0));
      return record(
          process,
          daemon,
          kind,
          key,
          stale,
          Op.Request.NONE,
          invoke,
          history.now(),
          Outcome.FAIL,
          lastKnown,
          error(e) + (e.notAuthoritative().isPresent() ? " not-authoritative" : ""));
    } catch (TetherException e) {
      return record(
          process,
          daemon,
          kind,
          key,
          stale,
          Op.Request.NONE,
          invoke,
          history.now(),
          Outcome.FAIL,
          null,
          error(e));
    }
  }

  private Op write(
      int process,
      String daemon,
      OpKind kind,
      String key,
      Op.Request req,
      Supplier<Op.Answer> call) {
    long invoke = history.now();
    try {
      Op.Answer a = call.get();
      return record(
          process, daemon, kind, key, false, req, invoke, history.now(), Outcome.OK, a, "");
    } catch (TetherException e) {
      return record(
          process,
          daemon,
          kind,
          key,
          false,
          req,
          invoke,
          history.now(),
          definite(e) ? Outcome.FAIL : Outcome.INFO,
          null,
          error(e));
    }
  }

  /**
   * True when a failed write certainly had no effect: the daemon refused it (the client never
   * retries, so a refusal is about this very request).
   */
  static boolean definite(TetherException e) {
    return switch (e.code()) {
      case ABORTED,
          NOT_FOUND,
          INVALID_ARGUMENT,
          FAILED_PRECONDITION,
          RESOURCE_EXHAUSTED,
          ALREADY_EXISTS ->
          true;
      default -> false;
    };
  }

  static String error(TetherException e) {
    String reason = e instanceof ConflictException c ? c.reason() : e.errorReason().orElse("");
    return e.code() + (reason.isEmpty() ? "" : "/" + reason);
  }

  static Op.Answer answer(LookupResult r) {
    return new Op.Answer(
        r.fencingToken(),
        r.owner().map(n -> n.getId()).orElse(""),
        -1,
        null,
        r.authoritative(),
        r.pinned(),
        r.pendingRehome(),
        r.staleness().isPresent(),
        r.appliedIndex());
  }

  private Op record(
      int process,
      String daemon,
      OpKind kind,
      String key,
      boolean stale,
      Op.Request req,
      long invoke,
      long complete,
      Outcome outcome,
      Op.Answer answer,
      String error) {
    Op op =
        new Op(
            history.nextOpId(),
            process,
            daemon,
            kind,
            key,
            stale,
            req,
            invoke,
            complete,
            outcome,
            answer,
            error);
    history.add(op);
    return op;
  }
}
