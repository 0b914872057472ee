package dev.tether.statemachine.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tether.proto.internal.CloseSession;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.GetSessionQuery;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.Join;
import dev.tether.proto.internal.ListNodesQuery;
import dev.tether.proto.internal.ListSessionsQuery;
import dev.tether.proto.internal.LookupQuery;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.RingViewQuery;
import dev.tether.proto.internal.TouchSessions;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.Validate;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;

/** Commands, queries and reads for the cluster tests. */
final class Commands {
  /** Longest wait for one future in a test, seconds. */
  static final long FUTURE_TIMEOUT_S = 60;

  private Commands() {}

  static Command initRing(String name) {
    return Command.newBuilder()
        .setInitRing(
            InitRing.newBuilder()
                .setName(name)
                .setPolicy(Validate.defaultPolicy().toBuilder().setWarmupMs(0)))
        .build();
  }

  static Command join(int node) {
    return Command.newBuilder()
        .setJoin(
            Join.newBuilder()
                .setNodeId("n" + node)
                .setAddress("10.0.0." + node + ":8080")
                .setZone("z" + (node % 3))
                .setWeight(1 + node % 4))
        .build();
  }

  static Command open(String session) {
    return Command.newBuilder()
        .setOpenSession(OpenSession.newBuilder().setSessionId(session))
        .build();
  }

  static Command close(String session) {
    return Command.newBuilder()
        .setCloseSession(CloseSession.newBuilder().setSessionId(session))
        .build();
  }

  static Command touch(String... sessions) {
    return Command.newBuilder()
        .setTouchSessions(TouchSessions.newBuilder().addAllSessionIds(List.of(sessions)))
        .build();
  }

  static Query lookup(String... sessions) {
    return Query.newBuilder()
        .setLookup(LookupQuery.newBuilder().addAllSessionIds(List.of(sessions)))
        .build();
  }

  static Query getSession(String session) {
    return Query.newBuilder()
        .setGetSession(GetSessionQuery.newBuilder().setSessionId(session).setIncludeState(true))
        .build();
  }

  static Query listNodes() {
    return Query.newBuilder().setListNodes(ListNodesQuery.getDefaultInstance()).build();
  }

  static Query listSessions(String after) {
    return Query.newBuilder()
        .setListSessions(
            ListSessionsQuery.newBuilder().setAfter(after).setLimit(Limits.LIST_PAGE_MAX))
        .build();
  }

  static Query ringView() {
    return Query.newBuilder().setRingView(RingViewQuery.getDefaultInstance()).build();
  }

  /** A linearizable read through the leader. */
  static QueryResult read(RaftClient client, Query q) throws IOException {
    return parse(client.io().sendReadOnly(Codec.message(q)));
  }

  /** A linearizable read served by {@code server} (a follower read when it follows). */
  static QueryResult read(RaftClient client, Query q, RaftPeerId server) throws IOException {
    return parse(client.io().sendReadOnly(Codec.message(q), server));
  }

  private static QueryResult parse(RaftClientReply reply) throws InvalidProtocolBufferException {
    if (!reply.isSuccess()) {
      throw new IllegalStateException("read failed", reply.getException());
    }
    return Codec.parse(reply.getMessage(), QueryResult.parser());
  }

  /**
   * What a replica holds, through queries only: every node, every session, the ring's meta without
   * its clock (which every entry advances, even one whose commands all fail).
   */
  static String view(TetherStateMachine sm) {
    StringBuilder out = new StringBuilder();
    QueryResult ring = sm.queryLocal(ringView());
    out.append(ring.getRingView().getMeta().toBuilder().clearLastTimeMs().build());
    out.append(sm.queryLocal(listNodes()).getNodes());
    String after = "";
    do {
      QueryResult page = sm.queryLocal(listSessions(after));
      out.append(page.getSessions().getSessionsList());
      after = page.getSessions().getNextAfter();
    } while (!after.isEmpty());
    return out.toString();
  }

  /** The future's value, failing the test after {@link #FUTURE_TIMEOUT_S}. */
  static <T> T get(CompletableFuture<T> f) {
    try {
      return f.get(FUTURE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }
}
