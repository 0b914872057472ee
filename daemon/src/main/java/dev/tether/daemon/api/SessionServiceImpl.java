package dev.tether.daemon.api;

import dev.tether.api.v1.BatchOpenRequest;
import dev.tether.api.v1.BatchOpenResponse;
import dev.tether.api.v1.CloseRequest;
import dev.tether.api.v1.CloseResponse;
import dev.tether.api.v1.GetStateRequest;
import dev.tether.api.v1.GetStateResponse;
import dev.tether.api.v1.ListSessionsRequest;
import dev.tether.api.v1.ListSessionsResponse;
import dev.tether.api.v1.OpenItem;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OpenResponse;
import dev.tether.api.v1.OpenResult;
import dev.tether.api.v1.PutStateRequest;
import dev.tether.api.v1.PutStateResponse;
import dev.tether.api.v1.SessionEvent;
import dev.tether.api.v1.SessionServiceGrpc;
import dev.tether.api.v1.TouchRequest;
import dev.tether.api.v1.TouchResponse;
import dev.tether.api.v1.WatchSessionsRequest;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.CloseSession;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.GetSessionQuery;
import dev.tether.proto.internal.ListSessionsQuery;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.PutState;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.SessionRecord;
import dev.tether.proto.internal.SessionView;
import dev.tether.proto.internal.TouchSessions;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.core.Validate;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** SessionService: open, close, touch and fence sessions, and their small replicated state. */
final class SessionServiceImpl extends SessionServiceGrpc.SessionServiceImplBase {
  /** Most items in one BatchOpen. */
  static final int OPEN_BATCH_MAX = 1000;

  /** Most ids in one Touch. */
  static final int TOUCH_IDS_MAX = 1000;

  /** Largest ListSessions page. */
  static final int LIST_PAGE_SIZE_MAX = 1000;

  /** ListSessions page size when the request sets none. */
  static final int LIST_PAGE_SIZE_DEFAULT = 100;

  private final ApiSupport api;
  private final SessionWatchers watchers;

  SessionServiceImpl(ApiSupport api, SessionWatchers watchers) {
    this.api = api;
    this.watchers = watchers;
  }

  @Override
  public void open(OpenRequest req, StreamObserver<OpenResponse> out) {
    RingRuntime[] ring = new RingRuntime[1];
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              ring[0] = api.ring(req.getRing());
              ApiSupport.check(
                  () -> checkOpen("", req.getSessionId(), req.getTtlMs(), req.getHintNode()));
              return api.write(
                  ring[0], openCommand(req.getSessionId(), req.getTtlMs(), req.getHintNode()));
            }),
        r ->
            OpenResponse.newBuilder()
                .setSession(
                    session(ring[0], r.getSession().getSessionId(), r.getSession().getSession()))
                .setCreated(r.getSession().getCreated())
                .setRingEpoch(r.getEpoch())
                .build());
  }

  @Override
  public void batchOpen(BatchOpenRequest req, StreamObserver<BatchOpenResponse> out) {
    RingRuntime[] ring = new RingRuntime[1];
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              ring[0] = api.ring(req.getRing());
              ApiSupport.check(
                  () -> {
                    Validate.range(
                        "items count", req.getItemsCount(), 1, OPEN_BATCH_MAX, "OPEN_BATCH_MAX");
                    Set<String> ids = new HashSet<>();
                    for (int i = 0; i < req.getItemsCount(); i++) {
                      OpenItem it = req.getItems(i);
                      String prefix = "items[" + i + "].";
                      checkOpen(prefix, it.getSessionId(), it.getTtlMs(), it.getHintNode());
                      if (!ids.add(it.getSessionId())) {
                        throw new IllegalArgumentException(
                            prefix + "session_id repeats an earlier item's " + it.getSessionId());
                      }
                    }
                  });
              List<Command> commands = new ArrayList<>(req.getItemsCount());
              for (OpenItem it : req.getItemsList()) {
                commands.add(openCommand(it.getSessionId(), it.getTtlMs(), it.getHintNode()));
              }
              return api.writeEach(ring[0], commands);
            }),
        results -> {
          BatchOpenResponse.Builder b = BatchOpenResponse.newBuilder();
          for (Result r : results) {
            OpenResult.Builder o = b.addResultsBuilder();
            if (r.getCode() != ErrorCode.ERROR_CODE_OK) {
              o.setErrorCode(ApiError.of(r.getCode(), "").getStatus().getCode().value())
                  .setErrorMessage(r.getMessage());
              continue;
            }
            o.setSession(
                    session(ring[0], r.getSession().getSessionId(), r.getSession().getSession()))
                .setCreated(r.getSession().getCreated())
                .setRingEpoch(r.getEpoch());
          }
          return b.build();
        });
  }

  /** The fields of one Open, {@code prefix} naming where they sit in the request. */
  private static void checkOpen(String prefix, String sessionId, long ttlMs, String hintNode) {
    Validate.sessionId(prefix + "session_id", sessionId);
    Validate.range(prefix + "ttl_ms", ttlMs, 0, Limits.SESSION_TTL_MS_MAX, "SESSION_TTL_MS_MAX");
    if (!hintNode.isEmpty()) {
      Validate.nodeId(prefix + "hint_node", hintNode);
    }
  }

  private static Command openCommand(String sessionId, long ttlMs, String hintNode) {
    return Command.newBuilder()
        .setOpenSession(
            OpenSession.newBuilder().setSessionId(sessionId).setTtlMs(ttlMs).setHintNode(hintNode))
        .build();
  }

  @Override
  public void close(CloseRequest req, StreamObserver<CloseResponse> out) {
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              RingRuntime ring = api.ring(req.getRing());
              ApiSupport.check(() -> Validate.sessionId("session_id", req.getSessionId()));
              return api.write(
                  ring,
                  Command.newBuilder()
                      .setCloseSession(
                          CloseSession.newBuilder()
                              .setSessionId(req.getSessionId())
                              .setFencingToken(req.getFencingToken()))
                      .build());
            }),
        r -> CloseResponse.getDefaultInstance());
  }

  @Override
  public void touch(TouchRequest req, StreamObserver<TouchResponse> out) {
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              RingRuntime ring = api.ring(req.getRing());
              ApiSupport.check(
                  () -> {
                    Validate.range(
                        "session_ids count",
                        req.getSessionIdsCount(),
                        1,
                        TOUCH_IDS_MAX,
                        "TOUCH_IDS_MAX");
                    for (String id : req.getSessionIdsList()) {
                      Validate.sessionId("session_ids", id);
                    }
                  });
              return api.write(
                  ring,
                  Command.newBuilder()
                      .setTouchSessions(
                          TouchSessions.newBuilder().addAllSessionIds(req.getSessionIdsList()))
                      .build());
            }),
        r ->
            TouchResponse.newBuilder()
                .setTouched(r.getTouch().getTouched())
                .addAllNotFound(r.getTouch().getNotFoundList())
                .build());
  }

  @Override
  public void putState(PutStateRequest req, StreamObserver<PutStateResponse> out) {
    RingRuntime[] ring = new RingRuntime[1];
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              ring[0] = api.ring(req.getRing());
              ApiSupport.check(
                  () -> {
                    Validate.sessionId("session_id", req.getSessionId());
                    Validate.range(
                        "data size",
                        req.getData().size(),
                        0,
                        Limits.STATE_BYTES_MAX,
                        "STATE_BYTES_MAX");
                  });
              return api.write(
                  ring[0],
                  Command.newBuilder()
                      .setPutState(
                          PutState.newBuilder()
                              .setSessionId(req.getSessionId())
                              .setFencingToken(req.getFencingToken())
                              .setExpectedVersion(req.getExpectedVersion())
                              .setData(req.getData()))
                      .build());
            }),
        r ->
            PutStateResponse.newBuilder()
                .setVersion(r.getSession().getSession().getStateVersion())
                .setSession(
                    session(ring[0], r.getSession().getSessionId(), r.getSession().getSession()))
                .build());
  }

  @Override
  public void getState(GetStateRequest req, StreamObserver<GetStateResponse> out) {
    RingRuntime[] ring = new RingRuntime[1];
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              ring[0] = api.ring(req.getRing());
              ApiSupport.check(() -> Validate.sessionId("session_id", req.getSessionId()));
              return api.read(
                  ring[0],
                  Query.newBuilder()
                      .setGetSession(
                          GetSessionQuery.newBuilder()
                              .setSessionId(req.getSessionId())
                              .setIncludeState(true))
                      .build(),
                  req.getConsistency());
            }),
        read -> {
          SessionView v = read.result().getSession();
          return GetStateResponse.newBuilder()
              .setSession(session(ring[0], v.getSessionId(), v.getSession()))
              .setData(v.getState())
              .setAppliedIndex(read.result().getAppliedIndex())
              .setAuthoritative(read.authoritative())
              .build();
        });
  }

  @Override
  public void listSessions(ListSessionsRequest req, StreamObserver<ListSessionsResponse> out) {
    RingRuntime[] ring = new RingRuntime[1];
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              ring[0] = api.ring(req.getRing());
              int size = req.getPageSize() == 0 ? LIST_PAGE_SIZE_DEFAULT : req.getPageSize();
              String after = decodeToken(req.getPageToken());
              ApiSupport.check(
                  () -> {
                    Validate.range("page_size", size, 1, LIST_PAGE_SIZE_MAX, "LIST_PAGE_SIZE_MAX");
                    if (!req.getOwner().isEmpty()) {
                      Validate.nodeId("owner", req.getOwner());
                    }
                  });
              return api.read(
                  ring[0],
                  Query.newBuilder()
                      .setListSessions(
                          ListSessionsQuery.newBuilder()
                              .setOwner(req.getOwner())
                              .setAfter(after)
                              .setLimit(size))
                      .build(),
                  req.getConsistency());
            }),
        read -> {
          ListSessionsResponse.Builder b =
              ListSessionsResponse.newBuilder()
                  .setAppliedIndex(read.result().getAppliedIndex())
                  .setAuthoritative(read.authoritative());
          for (SessionView v : read.result().getSessions().getSessionsList()) {
            b.addSessions(session(ring[0], v.getSessionId(), v.getSession()));
          }
          String next = read.result().getSessions().getNextAfter();
          if (!next.isEmpty()) {
            b.setNextPageToken(
                Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(next.getBytes(StandardCharsets.UTF_8)));
          }
          return b.build();
        });
  }

  static String decodeToken(String token) {
    if (token.isEmpty()) {
      return "";
    }
    try {
      String after = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      Validate.sessionId("page_token", after);
      return after;
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid("page_token is not a token this API returned");
    }
  }

  @Override
  public void watchSessions(WatchSessionsRequest req, StreamObserver<SessionEvent> out) {
    try {
      watchers.watch(req, out);
    } catch (RuntimeException e) {
      out.onError(ApiSupport.toStatus(e));
    }
  }

  private static dev.tether.api.v1.Session session(RingRuntime ring, String id, SessionRecord s) {
    NodeRecord owner =
        ring.group().stateMachine().read(core -> ((RingCore) core).inspector().node(s.getOwner()));
    return Mapping.session(id, s, owner);
  }
}
