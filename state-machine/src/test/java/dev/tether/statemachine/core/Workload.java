package dev.tether.statemachine.core;

import com.google.protobuf.ByteString;
import dev.tether.proto.internal.Activate;
import dev.tether.proto.internal.AdvanceWarmup;
import dev.tether.proto.internal.CloseSession;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.Drain;
import dev.tether.proto.internal.ExpireNode;
import dev.tether.proto.internal.ExpireSessions;
import dev.tether.proto.internal.GetSessionQuery;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.Join;
import dev.tether.proto.internal.Leave;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.PutState;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.Rehome;
import dev.tether.proto.internal.SessionRecord;
import dev.tether.proto.internal.SetWeight;
import dev.tether.proto.internal.TouchSessions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded generator of realistic mixed command batches for one ring: opens, touches, state writes
 * with real tokens and versions (peeked from the core it feeds), closes, membership changes, lease
 * expiries, rehomes and deliberately bad commands. No two commands of a batch name the same
 * session, the rule the adapter's group commit follows.
 */
public final class Workload {
  private final SplittableRandom rnd;
  private final int nodes;
  private final int sessions;
  private long time = 1_000_000;
  private boolean started;

  /** A workload over {@code nodes} node ids and {@code sessions} session ids. */
  public Workload(long seed, int nodes, int sessions) {
    this.rnd = new SplittableRandom(seed);
    this.nodes = nodes;
    this.sessions = sessions;
  }

  /** The next log entry; {@code core} is the state the entry will be applied to. */
  public CommandBatch next(RingCore core, long index) {
    CommandBatch.Builder b = CommandBatch.newBuilder().setTimeMs(time);
    time += rnd.nextInt(60);
    if (!started) {
      started = true;
      b.addCommands(
          Command.newBuilder()
              .setInitRing(
                  InitRing.newBuilder()
                      .setName("bench")
                      .setPolicy(
                          Validate.defaultPolicy().toBuilder()
                              .setWarmupMs(2_000)
                              .setDrainDeadlineMs(1_000)
                              .setSessionIdleTtlMs(600_000))));
      for (int i = 0; i < Math.min(nodes, 8); i++) {
        b.addCommands(join(i));
      }
      return b.build();
    }
    int size = 1 + rnd.nextInt(8);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < size; i++) {
      Command c = command(core, index, used);
      if (c != null) {
        b.addCommands(c);
      }
    }
    if (b.getCommandsCount() == 0) {
      b.addCommands(
          Command.newBuilder()
              .setTouchSessions(TouchSessions.newBuilder().addSessionIds(sessionId())));
    }
    return b.build();
  }

  private Command command(RingCore core, long index, Set<String> used) {
    int roll = rnd.nextInt(1000);
    String s = sessionId();
    if (roll < 400) {
      return used.add(s) ? open(s) : null;
    }
    if (roll < 580 || (roll >= 890 && roll < 980)) {
      TouchSessions.Builder t = TouchSessions.newBuilder();
      for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
        String id = sessionId();
        if (used.add(id)) {
          t.addSessionIds(id);
        }
      }
      return t.getSessionIdsCount() == 0 ? null : Command.newBuilder().setTouchSessions(t).build();
    }
    if (roll < 720) {
      return used.add(s) ? put(core, index, s) : null;
    }
    if (roll < 810) {
      return used.add(s)
          ? Command.newBuilder().setCloseSession(CloseSession.newBuilder().setSessionId(s)).build()
          : null;
    }
    if (roll < 870) {
      return rehome(core, index, used);
    }
    if (roll < 890) {
      ExpireSessions.Builder e = ExpireSessions.newBuilder().setIssuerTerm(1);
      for (int k = 0; k < 3; k++) {
        String id = sessionId();
        if (used.add(id)) {
          e.addSessionIds(id);
        }
      }
      return e.getSessionIdsCount() == 0 ? null : Command.newBuilder().setExpireSessions(e).build();
    }
    if (!used.add("#membership")) {
      return null; // at most one membership change per entry keeps the placement churn realistic
    }
    String node = "n" + rnd.nextInt(nodes);
    return switch (roll % 10) {
      case 0, 1 -> join(Integer.parseInt(node.substring(1)));
      case 2 ->
          Command.newBuilder()
              .setDrain(Drain.newBuilder().setNodeId(node).setDeadlineMs(rnd.nextInt(3_000)))
              .build();
      case 3 -> Command.newBuilder().setLeave(Leave.newBuilder().setNodeId(node)).build();
      case 4 ->
          Command.newBuilder()
              .setSetWeight(SetWeight.newBuilder().setNodeId(node).setWeight(1 + rnd.nextInt(8)))
              .build();
      case 5 ->
          Command.newBuilder()
              .setExpireNode(ExpireNode.newBuilder().setNodeId(node).setIssuerTerm(1))
              .build();
      case 6 -> Command.newBuilder().setActivate(Activate.newBuilder().setNodeId(node)).build();
      case 7 ->
          Command.newBuilder().setAdvanceWarmup(AdvanceWarmup.newBuilder().setNodeId(node)).build();
      default -> bad();
    };
  }

  private Command open(String s) {
    OpenSession.Builder o = OpenSession.newBuilder().setSessionId(s);
    if (rnd.nextInt(10) == 0) {
      o.setHintNode("n" + rnd.nextInt(nodes));
    }
    if (rnd.nextInt(4) == 0) {
      o.setTtlMs(1_000 + rnd.nextInt(60_000));
    }
    return Command.newBuilder().setOpenSession(o).build();
  }

  private Command put(RingCore core, long index, String s) {
    QueryResult q =
        core.query(
            Query.newBuilder().setGetSession(GetSessionQuery.newBuilder().setSessionId(s)).build(),
            index);
    long token = 0;
    long version = 0;
    if (q.hasSession()) {
      SessionRecord r = q.getSession().getSession();
      token = rnd.nextInt(10) == 0 ? r.getFencingToken() - 1 : r.getFencingToken();
      version = rnd.nextInt(10) == 0 ? r.getStateVersion() + 1 : r.getStateVersion();
    }
    byte[] data = new byte[rnd.nextInt(300)];
    rnd.nextBytes(data);
    return Command.newBuilder()
        .setPutState(
            PutState.newBuilder()
                .setSessionId(s)
                .setFencingToken(token)
                .setExpectedVersion(version)
                .setData(ByteString.copyFrom(data)))
        .build();
  }

  private Command rehome(RingCore core, long index, Set<String> used) {
    if (core.meta() == null) {
      return null;
    }
    List<NodeRecord> all = core.inspector().nodes();
    long now = core.meta().getLastTimeMs();
    for (NodeRecord n : all) {
      if (core.inspector().owesRehome(n.getId(), now) && used.add("#rehome")) {
        return Command.newBuilder()
            .setRehome(
                Rehome.newBuilder()
                    .setNodeId(n.getId())
                    .setMaxSessions(1 + rnd.nextInt(200))
                    .setIssuerTerm(1))
            .build();
      }
    }
    return null;
  }

  private Command join(int i) {
    return Command.newBuilder()
        .setJoin(
            Join.newBuilder()
                .setNodeId("n" + i)
                .setAddress("10.0.0." + (i % 250) + ":8080")
                .setZone("z" + (i % 3))
                .setWeight(1 + (i % 4)))
        .build();
  }

  private Command bad() {
    return switch (rnd.nextInt(4)) {
      case 0 ->
          Command.newBuilder()
              .setOpenSession(OpenSession.newBuilder().setSessionId("x".repeat(300)))
              .build();
      case 1 ->
          Command.newBuilder()
              .setJoin(Join.newBuilder().setNodeId("bad id").setAddress("a:1").setWeight(1))
              .build();
      case 2 ->
          Command.newBuilder()
              .setJoin(Join.newBuilder().setNodeId("n1").setAddress("nowhere").setWeight(1))
              .build();
      default ->
          Command.newBuilder()
              .setSetWeight(SetWeight.newBuilder().setNodeId("n1").setWeight(0))
              .build();
    };
  }

  private String sessionId() {
    return "s-" + rnd.nextInt(sessions);
  }
}
