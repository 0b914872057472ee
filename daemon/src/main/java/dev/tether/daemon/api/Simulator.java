package dev.tether.daemon.api;

import dev.tether.api.v1.Flow;
import dev.tether.api.v1.NodeLoad;
import dev.tether.api.v1.SessionMove;
import dev.tether.api.v1.SimulateRequest;
import dev.tether.api.v1.SimulateResponse;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.ListSessionsQuery;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.SessionView;
import dev.tether.ring.BoundedLoad;
import dev.tether.ring.Membership;
import dev.tether.ring.MembershipChange;
import dev.tether.ring.Placement;
import dev.tether.ring.PlacementDiff;
import dev.tether.ring.RingLimits;
import dev.tether.ring.SessionHash;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.core.RingInspector;
import dev.tether.statemachine.core.Validate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The what-if of AdminService.Simulate, computed on this daemon's applied state: the slot and
 * hash-space moves from the ring library's diff, and for a drain or leave the rehome of the node's
 * pinned sessions by bounded load, exactly as the leader would do it (up to {@link
 * #SESSIONS_EXACT_MAX} sessions; beyond that the rest is spread by share).
 */
final class Simulator {
  /** Pinned sessions placed one by one; more are spread in proportion to the new shares. */
  static final int SESSIONS_EXACT_MAX = 100_000;

  private final ApiSupport api;

  Simulator(ApiSupport api) {
    this.api = api;
  }

  SimulateResponse simulate(RingRuntime ring, SimulateRequest req) {
    ApiSupport.check(
        () ->
            Validate.range(
                "session_ids count",
                req.getSessionIdsCount(),
                0,
                Limits.IDS_PER_COMMAND_MAX,
                "IDS_PER_COMMAND_MAX"));
    return ring.group()
        .stateMachine()
        .read(
            core -> {
              RingInspector inspector = ((RingCore) core).inspector();
              if (inspector.meta() == null) {
                throw ApiError.unavailable(
                    "ring " + ring.name() + " is not initialised", List.of());
              }
              Placement before = inspector.placement();
              MembershipChange change = change(req, inspector);
              PlacementDiff diff;
              try {
                diff = PlacementDiff.whatIf(before, change);
              } catch (IllegalArgumentException e) {
                throw ApiError.invalid(e.getMessage());
              }
              List<NodeRecord> nodes = inspector.nodes();
              Map<String, Long> sessionsAfter = new HashMap<>();
              for (NodeRecord n : nodes) {
                sessionsAfter.put(n.getId(), n.getSessionCount());
              }
              String moving =
                  req.hasDrain() ? req.getDrain() : req.hasLeave() ? req.getLeave() : null;
              long moved = moving == null ? 0 : rehome(ring, moving, diff.after(), sessionsAfter);
              SimulateResponse.Builder r =
                  SimulateResponse.newBuilder()
                      .setChange(change.describe())
                      .setRingEpoch(inspector.meta().getEpoch())
                      .setMovedSlots(diff.slotMoves().size())
                      .setMovedShare(diff.movedShare())
                      .setMovedSessions(moved);
              Map<String, Integer> slotsPerFlow = new HashMap<>();
              for (PlacementDiff.SlotMove m : diff.slotMoves()) {
                slotsPerFlow.merge(m.from() + "->" + m.to(), 1, Integer::sum);
              }
              for (PlacementDiff.Flow f : diff.flows()) {
                r.addFlows(
                    Flow.newBuilder()
                        .setFrom(nullToEmpty(f.from()))
                        .setTo(nullToEmpty(f.to()))
                        .setShare(f.share())
                        .setSlots(slotsPerFlow.getOrDefault(f.from() + "->" + f.to(), 0)));
              }
              for (NodeRecord n : nodes) {
                r.addLoad(
                    NodeLoad.newBuilder()
                        .setNodeId(n.getId())
                        .setShareBefore(share(before, n.getId()))
                        .setShareAfter(share(diff.after(), n.getId()))
                        .setSessionsBefore(n.getSessionCount())
                        .setSessionsAfter(sessionsAfter.getOrDefault(n.getId(), 0L)));
              }
              if (req.hasJoin() && inspector.node(req.getJoin().getNodeId()) == null) {
                r.addLoad(
                    NodeLoad.newBuilder()
                        .setNodeId(req.getJoin().getNodeId())
                        .setShareAfter(share(diff.after(), req.getJoin().getNodeId())));
              }
              for (String id : req.getSessionIdsList()) {
                ApiSupport.check(() -> Validate.sessionId("session_ids", id));
                sessionMove(ring, id, moving, diff, r);
              }
              return r.build();
            });
  }

  private static MembershipChange change(SimulateRequest req, RingInspector inspector) {
    switch (req.getChangeCase()) {
      case JOIN -> {
        int w = req.getJoin().getWeight() == 0 ? 1 : req.getJoin().getWeight();
        ApiSupport.check(
            () -> {
              Validate.nodeId("join.node_id", req.getJoin().getNodeId());
              Validate.weight("join.weight", w);
            });
        return new MembershipChange.Join(req.getJoin().getNodeId(), w * RingLimits.WEIGHT_SCALE);
      }
      case DRAIN -> {
        ApiSupport.check(() -> Validate.nodeId("drain", req.getDrain()));
        requireMember(inspector, req.getDrain());
        return new MembershipChange.Drain(req.getDrain());
      }
      case LEAVE -> {
        ApiSupport.check(() -> Validate.nodeId("leave", req.getLeave()));
        requireMember(inspector, req.getLeave());
        return new MembershipChange.Leave(req.getLeave());
      }
      case WEIGHT -> {
        ApiSupport.check(
            () -> {
              Validate.nodeId("weight.node_id", req.getWeight().getNodeId());
              Validate.weight("weight.weight", req.getWeight().getWeight());
            });
        requireMember(inspector, req.getWeight().getNodeId());
        return new MembershipChange.Weight(
            req.getWeight().getNodeId(), req.getWeight().getWeight() * RingLimits.WEIGHT_SCALE);
      }
      default -> throw ApiError.invalid("change must be one of join, drain, leave, weight");
    }
  }

  private static void requireMember(RingInspector inspector, String node) {
    if (inspector.node(node) == null) {
      throw ApiError.notFound("node " + node + " is not in the ring");
    }
    if (!inspector.placement().membership().contains(node)) {
      throw ApiError.status(
          com.google.rpc.Code.FAILED_PRECONDITION,
          "node " + node + " takes no new sessions already (it is not JOINING or ACTIVE)",
          List.of());
    }
  }

  /** Rehomes the node's pinned sessions on {@code after}; returns how many move. */
  private long rehome(
      RingRuntime ring, String node, Placement after, Map<String, Long> sessionsAfter) {
    Membership m = after.membership();
    long[] counts = new long[m.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = sessionsAfter.getOrDefault(m.id(i), 0L);
    }
    long total = sessionsAfter.getOrDefault(node, 0L);
    if (total == 0 || m.isEmpty()) {
      return total;
    }
    String cursor = "";
    long placed = 0;
    while (placed < Math.min(total, SESSIONS_EXACT_MAX)) {
      QueryResult page =
          api.stale(
              ring,
              Query.newBuilder()
                  .setListSessions(
                      ListSessionsQuery.newBuilder()
                          .setOwner(node)
                          .setAfter(cursor)
                          .setLimit(Limits.LIST_PAGE_MAX))
                  .build());
      for (SessionView v : page.getSessions().getSessionsList()) {
        int to =
            BoundedLoad.chooseRehome(after, SessionHash.of(v.getSessionId()), counts, balance(ring))
                .memberIndex();
        counts[to]++;
        placed++;
      }
      cursor = page.getSessions().getNextAfter();
      if (cursor.isEmpty()) {
        break;
      }
    }
    long rest = total - placed;
    for (int i = 0; i < counts.length && rest > 0; i++) {
      counts[i] += Math.round(rest * after.share(i));
    }
    for (int i = 0; i < counts.length; i++) {
      sessionsAfter.put(m.id(i), counts[i]);
    }
    sessionsAfter.put(node, 0L);
    return total;
  }

  private void sessionMove(
      RingRuntime ring, String id, String moving, PlacementDiff diff, SimulateResponse.Builder r) {
    var session =
        api.stale(
            ring,
            Query.newBuilder()
                .setGetSession(
                    dev.tether.proto.internal.GetSessionQuery.newBuilder().setSessionId(id))
                .build());
    if (session.hasSession()) {
      String owner = session.getSession().getSession().getOwner();
      if (owner.equals(moving) && !diff.after().membership().isEmpty()) {
        long[] counts = new long[diff.after().membership().size()];
        int to =
            BoundedLoad.chooseRehome(diff.after(), SessionHash.of(id), counts, balance(ring))
                .memberIndex();
        r.addSessionMoves(
            SessionMove.newBuilder()
                .setSessionId(id)
                .setFrom(owner)
                .setTo(diff.after().membership().id(to))
                .setPinned(true));
      }
      return;
    }
    String from = diff.before().ownerOf(id);
    String to = diff.after().ownerOf(id);
    if (from == null ? to != null : !from.equals(to)) {
      r.addSessionMoves(
          SessionMove.newBuilder()
              .setSessionId(id)
              .setFrom(nullToEmpty(from))
              .setTo(nullToEmpty(to)));
    }
  }

  private static int balance(RingRuntime ring) {
    return ring.group()
        .stateMachine()
        .read(core -> ((RingCore) core).meta().getPolicy().getBalancePermille());
  }

  private static double share(Placement p, String node) {
    int i = p.membership().indexOf(node);
    return i < 0 ? 0 : p.share(i);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
