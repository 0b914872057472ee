package dev.tether.statemachine.core;

import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.ResultBatch;
import dev.tether.proto.internal.RingMeta;
import dev.tether.proto.internal.SetPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic core of a ring group: applies command batches to the state in a {@link KvStore}
 * and answers queries. No clock, no randomness, no threads, no I/O: time arrives in the batch,
 * stamped by the leader; the adapter commits the store after each batch. Not thread-safe.
 */
public final class RingCore implements GroupCore {
  /** What applying one log entry produced. */
  public record Applied(ResultBatch results, List<Event> events) {}

  private final RingState state;
  private final NodeCommands nodes;
  private final SessionCommands sessions;
  private final RingQueries queries;

  /** A core over {@code store}, loading whatever state it already holds. */
  public RingCore(KvStore store) {
    this(store, false);
  }

  /**
   * A core that, when {@code skipFencing} is true, accepts any fencing token: a planted bug for the
   * chaos suite to catch, never for production.
   */
  public RingCore(KvStore store, boolean skipFencing) {
    this.state = new RingState(store);
    this.nodes = new NodeCommands(state);
    this.sessions = new SessionCommands(state, store, nodes, skipFencing);
    this.queries = new RingQueries(state, store, sessions);
  }

  /**
   * Reloads the in-memory state from the store, after the store was replaced (snapshot install).
   */
  @Override
  public void reload() {
    state.load();
  }

  @Override
  public void checkSummary() {
    if (!state.initialized()) {
      return;
    }
    long total = 0;
    for (NodeEntry n : state.nodes()) {
      InvariantViolation.check(n.sessions >= 0, "node %s has %d sessions", n.id(), n.sessions);
      total += n.sessions;
    }
    InvariantViolation.check(
        total == state.meta().getSessionCount(),
        "nodes count %d sessions, the ring %d",
        total,
        state.meta().getSessionCount());
  }

  /**
   * Applies one log entry: each command in order, one result each. Business errors are results; a
   * broken invariant throws {@link InvariantViolation} and the replica must stop.
   */
  @Override
  public Applied apply(CommandBatch batch, long index, long term) {
    long now =
        state.initialized()
            ? Math.max(state.meta().getLastTimeMs(), batch.getTimeMs())
            : batch.getTimeMs();
    List<Event> events = new ArrayList<>();
    ApplyContext ctx = new ApplyContext(index, term, now, events);
    ResultBatch.Builder out = ResultBatch.newBuilder().setIndex(index);
    if (batch.getCommandsCount() > Limits.COMMANDS_PER_BATCH_MAX) {
      Result refused =
          Result.newBuilder()
              .setCode(ErrorCode.ERROR_CODE_LIMIT_EXCEEDED)
              .setMessage(
                  "batch has "
                      + batch.getCommandsCount()
                      + " commands, limit COMMANDS_PER_BATCH_MAX is "
                      + Limits.COMMANDS_PER_BATCH_MAX)
              .build();
      for (int i = 0; i < batch.getCommandsCount(); i++) {
        out.addResults(refused);
      }
      return new Applied(out.build(), events);
    }
    if (state.initialized()) {
      state.meta().setLastTimeMs(now);
      state.markMetaDirty();
    }
    for (Command command : batch.getCommandsList()) {
      Result.Builder r;
      try {
        r = dispatch(command, ctx);
      } catch (Rejection e) {
        r = Result.newBuilder().setCode(e.code()).setMessage(e.getMessage());
      }
      if (state.initialized()) {
        r.setEpoch(state.meta().getEpoch());
      }
      out.addResults(r);
    }
    if (state.initialized()) {
      state.flush();
    }
    return new Applied(out.build(), events);
  }

  private Result.Builder dispatch(Command c, ApplyContext ctx) {
    if (c.getKindCase() == Command.KindCase.INIT_RING) {
      return init(c.getInitRing(), ctx);
    }
    if (!state.initialized()) {
      throw new Rejection(ErrorCode.ERROR_CODE_WRONG_GROUP, "ring group is not initialised");
    }
    return switch (c.getKindCase()) {
      case SET_POLICY -> setPolicy(c.getSetPolicy(), ctx);
      case JOIN -> nodes.join(c.getJoin(), ctx);
      case ACTIVATE -> nodes.activate(c.getActivate(), ctx);
      case ADVANCE_WARMUP -> nodes.advanceWarmup(c.getAdvanceWarmup(), ctx);
      case DRAIN -> nodes.drain(c.getDrain(), ctx);
      case LEAVE -> nodes.leave(c.getLeave(), ctx);
      case SET_WEIGHT -> nodes.setWeight(c.getSetWeight(), ctx);
      case EXPIRE_NODE -> nodes.expireNode(c.getExpireNode(), ctx);
      case OPEN_SESSION -> sessions.open(c.getOpenSession(), ctx);
      case CLOSE_SESSION -> sessions.close(c.getCloseSession(), ctx);
      case TOUCH_SESSIONS -> sessions.touch(c.getTouchSessions(), ctx);
      case PUT_STATE -> sessions.putState(c.getPutState(), ctx);
      case EXPIRE_SESSIONS -> sessions.expire(c.getExpireSessions(), ctx);
      case REHOME -> sessions.rehome(c.getRehome(), ctx);
      case KIND_NOT_SET -> throw Rejection.invalid("command has no kind");
      default ->
          throw new Rejection(
              ErrorCode.ERROR_CODE_WRONG_GROUP, c.getKindCase() + " is a region command");
    };
  }

  private Result.Builder init(InitRing cmd, ApplyContext ctx) {
    NodeCommands.check(
        () -> {
          Validate.ringName("init_ring.name", cmd.getName());
          Validate.policy("init_ring.policy", cmd.getPolicy());
        });
    if (state.initialized()) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_ALREADY_EXISTS,
          "ring " + state.meta().getName() + " is initialised");
    }
    state.initialize(
        RingMeta.newBuilder()
            .setName(cmd.getName())
            .setPolicy(cmd.getPolicy())
            .setEpoch(ctx.index())
            .setCreatedIndex(ctx.index())
            .setLastTimeMs(ctx.now())
            .build());
    state.placementChanged(ctx.index(), true);
    ctx.events().add(new Event.RingChanged(ctx.index()));
    return Result.newBuilder().setRing(state.meta().build().toBuilder().clearSlotTable());
  }

  private Result.Builder setPolicy(SetPolicy cmd, ApplyContext ctx) {
    NodeCommands.check(() -> Validate.policy("set_policy.policy", cmd.getPolicy()));
    boolean rebuild =
        cmd.getPolicy().getPlacement() != state.meta().getPolicy().getPlacement()
            || cmd.getPolicy().getVnodesPerUnit() != state.meta().getPolicy().getVnodesPerUnit();
    state.meta().setPolicy(cmd.getPolicy());
    state.placementChanged(ctx.index(), rebuild);
    ctx.events().add(new Event.RingChanged(ctx.index()));
    return Result.newBuilder().setRing(state.meta().build().toBuilder().clearSlotTable());
  }

  /** Answers a read-only query from the applied state. */
  @Override
  public QueryResult query(Query q, long appliedIndex) {

    QueryResult.Builder r;
    try {
      if (!state.initialized()) {
        throw new Rejection(ErrorCode.ERROR_CODE_WRONG_GROUP, "ring group is not initialised");
      }
      r =
          switch (q.getKindCase()) {
            case LOOKUP -> queries.lookup(q.getLookup());
            case GET_NODE -> queries.getNode(q.getGetNode().getNodeId());
            case LIST_NODES -> queries.listNodes();
            case GET_SESSION -> queries.getSession(q.getGetSession());
            case LIST_SESSIONS -> queries.listSessions(q.getListSessions());
            case RING_VIEW -> queries.ringView();
            default -> throw Rejection.invalid("query " + q.getKindCase() + " is not a ring query");
          };
      r.setEpoch(state.meta().getEpoch());
    } catch (Rejection e) {
      r = RingQueries.error(e.code(), e.getMessage());
    }
    return r.setAppliedIndex(appliedIndex).build();
  }

  /** The ring's meta record, or {@code null} before InitRing. */
  public RingMeta meta() {
    return state.initialized() ? state.meta().build() : null;
  }

  /** Read access for leader duties and invariant checks; see {@link RingInspector}. */
  public RingInspector inspector() {
    return new RingInspector(state, sessions);
  }
}
