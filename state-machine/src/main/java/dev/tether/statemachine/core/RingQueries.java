package dev.tether.statemachine.core;

import com.google.protobuf.ByteString;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.GetSessionQuery;
import dev.tether.proto.internal.ListSessionsQuery;
import dev.tether.proto.internal.LookupQuery;
import dev.tether.proto.internal.LookupResult;
import dev.tether.proto.internal.NodeList;
import dev.tether.proto.internal.OwnerAnswer;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.RingView;
import dev.tether.proto.internal.SessionPage;
import dev.tether.proto.internal.SessionRecord;
import dev.tether.proto.internal.SessionView;
import dev.tether.ring.BoundedLoad;
import dev.tether.ring.SessionHash;
import java.util.Arrays;
import java.util.List;

/** The read side of a ring group: answers from applied state, never writes. */
final class RingQueries {
  private final RingState state;
  private final KvStore store;
  private final SessionCommands sessions;

  RingQueries(RingState state, KvStore store, SessionCommands sessions) {
    this.state = state;
    this.store = store;
    this.sessions = sessions;
  }

  QueryResult.Builder lookup(LookupQuery q) {
    NodeCommands.check(
        () -> {
          Validate.range(
              "lookup.session_ids count",
              q.getSessionIdsCount(),
              1,
              Limits.IDS_PER_COMMAND_MAX,
              "IDS_PER_COMMAND_MAX");
          for (String id : q.getSessionIdsList()) {
            Validate.sessionId("lookup.session_ids", id);
          }
        });
    LookupResult.Builder r = LookupResult.newBuilder();
    long now = state.meta().getLastTimeMs();
    for (String id : q.getSessionIdsList()) {
      r.addAnswers(answer(id, now));
    }
    return QueryResult.newBuilder().setLookup(r);
  }

  private OwnerAnswer answer(String id, long now) {
    OwnerAnswer.Builder a = OwnerAnswer.newBuilder().setSessionId(id);
    SessionRecord s = sessions.get(id);
    if (s != null) {
      a.setPinned(true).setFencingToken(s.getFencingToken()).setStateVersion(s.getStateVersion());
      NodeEntry owner = state.node(s.getOwner());
      if (!owner.owesRehome(now)) {
        return a.setOwner(owner.toRecord()).build();
      }
      // The stored owner is gone: answer with the node the rehome would choose now, flagged.
      a.setPendingRehome(true);
    }
    BoundedLoad.Choice choice =
        s != null ? state.chooseRehome(SessionHash.of(id)) : placementOwner(id);

    if (choice == null) {
      return a.setNoOwner(true).build();
    }
    String ownerId = state.placement().membership().id(choice.memberIndex());
    return a.setOwner(state.node(ownerId).toRecord()).build();
  }

  /** The placement's owner of an unpinned session: no write, no load bound. */
  private BoundedLoad.Choice placementOwner(String id) {
    int index = state.placement().ownerIndex(SessionHash.of(id));
    return index < 0 ? null : new BoundedLoad.Choice(index, 1);
  }

  QueryResult.Builder getNode(String nodeId) {
    NodeCommands.check(() -> Validate.nodeId("get_node.node_id", nodeId));
    NodeEntry n = state.node(nodeId);
    if (n == null) {
      throw Rejection.notFound("node " + nodeId + " is not in the ring");
    }
    return QueryResult.newBuilder().setNode(n.toRecord());
  }

  QueryResult.Builder listNodes() {
    NodeList.Builder list = NodeList.newBuilder();
    for (NodeEntry n : state.nodes()) {
      list.addNodes(n.toRecord());
    }
    return QueryResult.newBuilder().setNodes(list);
  }

  QueryResult.Builder getSession(GetSessionQuery q) {
    NodeCommands.check(() -> Validate.sessionId("get_session.session_id", q.getSessionId()));
    SessionRecord s = sessions.get(q.getSessionId());
    if (s == null) {
      throw Rejection.notFound("session " + q.getSessionId() + " does not exist");
    }
    SessionView.Builder v = SessionView.newBuilder().setSessionId(q.getSessionId()).setSession(s);
    if (q.getIncludeState()) {
      byte[] data = store.get(Table.STATE, Keys.bytes(q.getSessionId()));
      if (data != null) {
        v.setState(ByteString.copyFrom(data));
      }
    }
    return QueryResult.newBuilder().setSession(v);
  }

  QueryResult.Builder listSessions(ListSessionsQuery q) {
    NodeCommands.check(
        () -> {
          Validate.range(
              "list_sessions.limit", q.getLimit(), 1, Limits.LIST_PAGE_MAX, "LIST_PAGE_MAX");
          if (!q.getOwner().isEmpty()) {
            Validate.nodeId("list_sessions.owner", q.getOwner());
          }
          if (!q.getAfter().isEmpty()) {
            Validate.sessionId("list_sessions.after", q.getAfter());
          }
        });
    SessionPage.Builder page = SessionPage.newBuilder();
    boolean byOwner = !q.getOwner().isEmpty();
    byte[] prefix = byOwner ? Keys.ownerPrefix(q.getOwner()) : new byte[0];
    byte[] from =
        q.getAfter().isEmpty() ? prefix : successor(concat(prefix, Keys.bytes(q.getAfter())));
    Table table = byOwner ? Table.OWNER_INDEX : Table.SESSIONS;
    List<KvStore.Entry> entries = store.scan(table, prefix, from, q.getLimit() + 1);
    for (int i = 0; i < Math.min(entries.size(), q.getLimit()); i++) {
      String id =
          byOwner
              ? Keys.sessionOfOwnerKey(entries.get(i).key(), prefix.length)
              : Keys.string(entries.get(i).key());
      SessionRecord s = sessions.get(id);
      InvariantViolation.check(s != null, "owner index names missing session %s", id);
      page.addSessions(SessionView.newBuilder().setSessionId(id).setSession(s));
    }
    if (entries.size() > q.getLimit()) {
      page.setNextAfter(page.getSessions(q.getLimit() - 1).getSessionId());
    }
    return QueryResult.newBuilder().setSessions(page);
  }

  QueryResult.Builder ringView() {
    RingView.Builder v = RingView.newBuilder().setMeta(state.meta().build());
    for (NodeEntry n : state.nodes()) {
      v.addNodes(n.toRecord());
    }
    return QueryResult.newBuilder().setRingView(v);
  }

  /** Rejections become error results. */
  static QueryResult.Builder error(ErrorCode code, String message) {
    return QueryResult.newBuilder().setErrorCode(code).setErrorMessage(message);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The smallest key greater than {@code key}: the key followed by 0x00. */
  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }
}
