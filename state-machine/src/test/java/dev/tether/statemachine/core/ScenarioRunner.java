package dev.tether.statemachine.core;

import com.google.protobuf.ByteString;
import dev.tether.proto.internal.Activate;
import dev.tether.proto.internal.AdvanceWarmup;
import dev.tether.proto.internal.CloseSession;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.Drain;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.ExpireNode;
import dev.tether.proto.internal.ExpireSessions;
import dev.tether.proto.internal.GetSessionQuery;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.Join;
import dev.tether.proto.internal.Leave;
import dev.tether.proto.internal.ListNodesQuery;
import dev.tether.proto.internal.ListSessionsQuery;
import dev.tether.proto.internal.LookupQuery;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.OwnerAnswer;
import dev.tether.proto.internal.Placement;
import dev.tether.proto.internal.PutState;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.Rehome;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.RingPolicy;
import dev.tether.proto.internal.SessionRecord;
import dev.tether.proto.internal.SessionView;
import dev.tether.proto.internal.SetPolicy;
import dev.tether.proto.internal.SetWeight;
import dev.tether.proto.internal.TouchSessions;
import dev.tether.statemachine.store.Store;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a scenario script against a core: each {@code > command} line is applied as one log entry
 * (or run as a query), and its rendered outcome is the text that follows it in the file. After
 * every entry the runner commits the store and checks every invariant of the state, and checks that
 * tokens and the epoch never went backwards. The command language is documented in {@code
 * src/test/resources/scenarios/README.md}.
 */
final class ScenarioRunner {
  private final Store store;
  private final RingCore core;
  private long index;
  private long term = 1;
  private long time = 1_000;
  private long lastEpoch;
  private final Map<String, Long> lastTokens = new LinkedHashMap<>();

  ScenarioRunner(Store store) {
    this.store = store;
    this.core = new RingCore(store);
  }

  RingCore core() {
    return core;
  }

  /** Runs one command line and returns its rendered outcome (no trailing newline). */
  String run(String line) {
    List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
    String verb = words.remove(0);
    Map<String, String> opts = new LinkedHashMap<>();
    List<String> args = new ArrayList<>();
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq > 0) {
        opts.put(w.substring(0, eq), w.substring(eq + 1));
      } else {
        args.add(w);
      }
    }
    return switch (verb) {
      case "time" -> {
        time = Long.parseLong(args.get(0));
        yield "time " + time;
      }
      case "term" -> {
        term = Long.parseLong(args.get(0));
        yield "term " + term;
      }
      case "lookup" -> lookup(args);
      case "nodes" -> nodes();
      case "sessions" -> sessions(opts.getOrDefault("owner", ""));
      case "state" -> state(args.get(0));
      case "batch" -> applyAll(splitBatch(line.trim().substring("batch".length())));
      default -> applyAll(List.of(command(verb, args, opts)));
    };
  }

  private List<Command> splitBatch(String rest) {
    List<Command> commands = new ArrayList<>();
    for (String part : rest.split(";")) {
      List<String> words = new ArrayList<>(Arrays.asList(part.trim().split("\\s+")));
      String verb = words.remove(0);
      Map<String, String> opts = new LinkedHashMap<>();
      List<String> args = new ArrayList<>();
      for (String w : words) {
        int eq = w.indexOf('=');
        if (eq > 0) {
          opts.put(w.substring(0, eq), w.substring(eq + 1));
        } else {
          args.add(w);
        }
      }
      commands.add(command(verb, args, opts));
    }
    return commands;
  }

  private Command command(String verb, List<String> args, Map<String, String> o) {
    Command.Builder c = Command.newBuilder();
    switch (verb) {
      case "init" -> c.setInitRing(InitRing.newBuilder().setName(args.get(0)).setPolicy(policy(o)));
      case "policy" -> c.setSetPolicy(SetPolicy.newBuilder().setPolicy(policy(o)));
      case "join" -> {
        Join.Builder j =
            Join.newBuilder()
                .setNodeId(args.get(0))
                .setAddress(o.getOrDefault("address", "10.0.0.1:8080"))
                .setZone(o.getOrDefault("zone", ""))
                .setWeight(Integer.parseInt(o.getOrDefault("weight", "1")));
        if (o.containsKey("warmup")) {
          j.setWarmupMs(Long.parseLong(o.get("warmup")));
        }
        if (o.containsKey("label")) {
          String[] kv = o.get("label").split(":", 2);
          j.putLabels(kv[0], kv[1]);
        }
        c.setJoin(j);
      }
      case "activate" -> c.setActivate(Activate.newBuilder().setNodeId(args.get(0)));
      case "advance" -> c.setAdvanceWarmup(AdvanceWarmup.newBuilder().setNodeId(args.get(0)));
      case "drain" -> {
        Drain.Builder d = Drain.newBuilder().setNodeId(args.get(0));
        if (o.containsKey("deadline")) {
          d.setDeadlineMs(Long.parseLong(o.get("deadline")));
        }
        c.setDrain(d);
      }
      case "leave" -> c.setLeave(Leave.newBuilder().setNodeId(args.get(0)));
      case "weight" ->
          c.setSetWeight(
              SetWeight.newBuilder()
                  .setNodeId(args.get(0))
                  .setWeight(Integer.parseInt(args.get(1))));
      case "expire-node" ->
          c.setExpireNode(
              ExpireNode.newBuilder()
                  .setNodeId(args.get(0))
                  .setIssuerTerm(Long.parseLong(o.getOrDefault("term", Long.toString(term))))
                  .setStateIndex(Long.parseLong(o.getOrDefault("state", "0"))));
      case "open" ->
          c.setOpenSession(
              OpenSession.newBuilder()
                  .setSessionId(args.get(0))
                  .setTtlMs(Long.parseLong(o.getOrDefault("ttl", "0")))
                  .setHintNode(o.getOrDefault("hint", "")));
      case "close" ->
          c.setCloseSession(
              CloseSession.newBuilder()
                  .setSessionId(args.get(0))
                  .setFencingToken(Long.parseLong(o.getOrDefault("token", "0"))));
      case "touch" -> c.setTouchSessions(TouchSessions.newBuilder().addAllSessionIds(args));
      case "put" ->
          c.setPutState(
              PutState.newBuilder()
                  .setSessionId(args.get(0))
                  .setFencingToken(Long.parseLong(o.getOrDefault("token", "0")))
                  .setExpectedVersion(Long.parseLong(o.getOrDefault("version", "0")))
                  .setData(
                      o.containsKey("size")
                          ? ByteString.copyFrom(new byte[Integer.parseInt(o.get("size"))])
                          : ByteString.copyFromUtf8(o.getOrDefault("data", ""))));
      case "expire" ->
          c.setExpireSessions(
              ExpireSessions.newBuilder()
                  .addAllSessionIds(args)
                  .setIssuerTerm(Long.parseLong(o.getOrDefault("term", Long.toString(term)))));
      case "rehome" ->
          c.setRehome(
              Rehome.newBuilder()
                  .setNodeId(args.get(0))
                  .setMaxSessions(Integer.parseInt(o.getOrDefault("max", "100")))
                  .setIssuerTerm(Long.parseLong(o.getOrDefault("term", Long.toString(term)))));
      case "empty" -> {}
      default -> throw new IllegalArgumentException("unknown scenario command " + verb);
    }
    return c.build();
  }

  private static RingPolicy policy(Map<String, String> o) {
    RingPolicy d = Validate.defaultPolicy();
    return d.toBuilder()
        .setPlacement(
            "vnode-ring".equals(o.get("placement"))
                ? Placement.PLACEMENT_VNODE_RING
                : Placement.PLACEMENT_SLOT_TABLE)
        .setVnodesPerUnit(
            Integer.parseInt(o.getOrDefault("vnodes", Integer.toString(d.getVnodesPerUnit()))))
        .setBalancePermille(
            Integer.parseInt(o.getOrDefault("balance", Integer.toString(d.getBalancePermille()))))
        .setWarmupMs(Long.parseLong(o.getOrDefault("warmup", "0")))
        .setWarmupSteps(Integer.parseInt(o.getOrDefault("steps", "10")))
        .setDrainDeadlineMs(
            Long.parseLong(o.getOrDefault("drain", Long.toString(d.getDrainDeadlineMs()))))
        .setSessionIdleTtlMs(
            Long.parseLong(o.getOrDefault("ttl", Long.toString(d.getSessionIdleTtlMs()))))
        .setLeaseTtlMs(Long.parseLong(o.getOrDefault("lease", Long.toString(d.getLeaseTtlMs()))))
        .setStateBytesMax(
            Integer.parseInt(o.getOrDefault("state_max", Integer.toString(d.getStateBytesMax()))))
        .build();
  }

  /** Applies commands as one entry, commits, checks invariants, renders the results. */
  String applyAll(List<Command> commands) {
    index++;
    RingCore.Applied applied =
        core.apply(
            CommandBatch.newBuilder().setTimeMs(time).addAllCommands(commands).build(),
            index,
            term);
    store.commit(index, term);
    core.inspector().checkInvariants(index);
    StringBuilder out = new StringBuilder();
    for (Result r : applied.results().getResultsList()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(render(r));
    }
    checkMonotonic();
    return out.toString();
  }

  private void checkMonotonic() {
    if (core.meta() == null) {
      return;
    }
    InvariantViolation.check(core.meta().getEpoch() >= lastEpoch, "epoch went back");
    lastEpoch = core.meta().getEpoch();
    for (SessionView v : all()) {
      Long previous = lastTokens.put(v.getSessionId(), v.getSession().getFencingToken());
      InvariantViolation.check(
          previous == null || previous <= v.getSession().getFencingToken(),
          "token of %s went back",
          v.getSessionId());
    }
  }

  private List<SessionView> all() {
    return query(
            Query.newBuilder()
                .setListSessions(ListSessionsQuery.newBuilder().setLimit(Limits.LIST_PAGE_MAX)))
        .getSessions()
        .getSessionsList();
  }

  private String render(Result r) {
    if (r.getCode() != ErrorCode.ERROR_CODE_OK) {
      return "error " + r.getCode().name().replace("ERROR_CODE_", "") + ": " + r.getMessage();
    }
    String epoch = " epoch=" + r.getEpoch();
    return switch (r.getBodyCase()) {
      case NODE -> "ok " + node(r.getNode().getNode()) + epoch;
      case SESSION ->
          "ok "
              + session(r.getSession().getSessionId(), r.getSession().getSession())
              + (r.getSession().getCreated() ? " created" : "")
              + (r.getSession().getProbes() > 0 ? " probes=" + r.getSession().getProbes() : "")
              + epoch;
      case TOUCH ->
          "ok touched="
              + r.getTouch().getTouched()
              + (r.getTouch().getNotFoundCount() > 0
                  ? " not_found=" + String.join(",", r.getTouch().getNotFoundList())
                  : "");
      case REHOME ->
          "ok moved="
              + r.getRehome().getMoved()
              + " remaining="
              + r.getRehome().getRemaining()
              + epoch;
      case EXPIRE -> "ok expired=" + r.getExpire().getExpired();
      case RING -> "ok ring=" + r.getRing().getName() + epoch;
      default -> "ok" + epoch;
    };
  }

  private String lookup(List<String> ids) {
    QueryResult q =
        query(Query.newBuilder().setLookup(LookupQuery.newBuilder().addAllSessionIds(ids)));
    if (q.getErrorCode() != ErrorCode.ERROR_CODE_OK) {
      return "error "
          + q.getErrorCode().name().replace("ERROR_CODE_", "")
          + ": "
          + q.getErrorMessage();
    }
    StringBuilder out = new StringBuilder();
    for (OwnerAnswer a : q.getLookup().getAnswersList()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(a.getSessionId()).append(" -> ");
      out.append(a.getNoOwner() ? "(none)" : a.getOwner().getId());
      out.append(a.getPinned() ? " pinned token=" + a.getFencingToken() : " unpinned");
      if (a.getPendingRehome()) {
        out.append(" pending_rehome");
      }
    }
    return out.toString();
  }

  private String nodes() {
    StringBuilder out = new StringBuilder();
    for (NodeRecord n :
        query(Query.newBuilder().setListNodes(ListNodesQuery.getDefaultInstance()))
            .getNodes()
            .getNodesList()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(node(n));
    }
    return out.length() == 0 ? "(no nodes)" : out.toString();
  }

  private String sessions(String owner) {
    StringBuilder out = new StringBuilder();
    for (SessionView v :
        query(
                Query.newBuilder()
                    .setListSessions(
                        ListSessionsQuery.newBuilder()
                            .setOwner(owner)
                            .setLimit(Limits.LIST_PAGE_MAX)))
            .getSessions()
            .getSessionsList()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(session(v.getSessionId(), v.getSession()));
    }
    return out.length() == 0 ? "(no sessions)" : out.toString();
  }

  private String state(String id) {
    QueryResult q =
        query(
            Query.newBuilder()
                .setGetSession(
                    GetSessionQuery.newBuilder().setSessionId(id).setIncludeState(true)));
    if (q.getErrorCode() != ErrorCode.ERROR_CODE_OK) {
      return "error "
          + q.getErrorCode().name().replace("ERROR_CODE_", "")
          + ": "
          + q.getErrorMessage();
    }
    return id
        + " version="
        + q.getSession().getSession().getStateVersion()
        + " data="
        + q.getSession().getState().toStringUtf8();
  }

  private QueryResult query(Query.Builder q) {
    return core.query(q.build(), index);
  }

  private static String node(NodeRecord n) {
    return n.getId()
        + " "
        + StateNames.of(n.getState())
        + " w="
        + n.getWeight()
        + (n.getEffectiveWeightMilli() != n.getWeight() * 1000L
            ? " eff=" + n.getEffectiveWeightMilli()
            : "")
        + " sessions="
        + n.getSessionCount();
  }

  private static String session(String id, SessionRecord s) {
    return id
        + " owner="
        + s.getOwner()
        + " token="
        + s.getFencingToken()
        + (s.getStateVersion() > 0 ? " version=" + s.getStateVersion() : "")
        + (s.getReason().getNumber() != 0
            ? " reason="
                + s.getReason().name().replace("MIGRATION_REASON_", "").toLowerCase(Locale.ROOT)
            : "");
  }
}
