package dev.tether.cli;

import dev.tether.api.v1.Flow;
import dev.tether.api.v1.NodeLoad;
import dev.tether.api.v1.SessionMove;
import dev.tether.api.v1.SimulateRequest;
import dev.tether.api.v1.SimulateResponse;
import dev.tether.api.v1.SimulatedNode;
import dev.tether.client.TetherClient;
import dev.tether.ring.RingLimits;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tether ring simulate NAME (--join | --drain | --leave | --weight)}: what-if, no change.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows what a membership change would move, without making it: slots and hash space,"
          + " the flows between nodes, the pinned sessions rehomed, and each node's load before"
          + " and after.",
      "Computed by the answering daemon on its state."
    })
final class RingSimulateCommand extends RegionCommand {
  /** Most --sessions ids (the daemon's limit). */
  static final int SESSION_IDS_MAX = 10_000;

  @Parameters(index = "0", paramLabel = "NAME", description = "The ring.")
  String name;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Change change;

  /** Exactly one change. */
  static final class Change {
    @Option(
        names = "--join",
        paramLabel = "NODE[:WEIGHT]",
        description = "A new node joins, weight 1 to 1000 (default 1).")
    String join;

    @Option(names = "--drain", paramLabel = "NODE", description = "A node drains.")
    String drain;

    @Option(names = "--leave", paramLabel = "NODE", description = "A node leaves.")
    String leave;

    @Option(
        names = "--weight",
        paramLabel = "NODE=W",
        description = "A node's weight becomes W, 1 to 1000.")
    String weight;
  }

  @Option(
      names = "--sessions",
      split = ",",
      paramLabel = "ID",
      description = "Session ids to check one by one (at most 10000): those that would move.")
  List<String> sessions = new ArrayList<>();

  private SimulateRequest request;

  @Override
  void validate(Usage usage) {
    usage.ringName("NAME", name);
    SimulateRequest.Builder r = SimulateRequest.newBuilder().setRing(name);
    if (change.join != null) {
      r.setJoin(node(usage, "--join", change.join, ':', true));
    } else if (change.drain != null) {
      r.setDrain(usage.nodeId("--drain", change.drain));
    } else if (change.leave != null) {
      r.setLeave(usage.nodeId("--leave", change.leave));
    } else {
      r.setWeight(node(usage, "--weight", change.weight, '=', false));
    }
    if (sessions.size() > SESSION_IDS_MAX) {
      throw usage.error("--sessions has " + sessions.size() + " ids, limit is " + SESSION_IDS_MAX);
    }
    for (String id : sessions) {
      usage.sessionId("--sessions id", id);
    }
    request = r.addAllSessionIds(sessions).build();
  }

  /**
   * {@code NODE<sep>WEIGHT}. Node ids may hold ':', so for --join the part after the last ':' is
   * the weight only when it is a number.
   */
  private static SimulatedNode node(
      Usage usage, String flag, String value, char separator, boolean weightOptional) {
    int at = value.lastIndexOf(separator);
    String id = value;
    String weight = null;
    if (at >= 0 && value.substring(at + 1).matches("\\d{1,9}")) {
      id = value.substring(0, at);
      weight = value.substring(at + 1);
    } else if (!weightOptional) {
      throw usage.error(flag + " '" + value + "' must be NODE" + separator + "WEIGHT");
    }
    usage.nodeId(flag + " node", id);
    int w =
        weight == null
            ? 1
            : (int)
                usage.range(
                    flag + " weight",
                    Long.parseLong(weight),
                    null,
                    1,
                    "CAPACITY_UNITS_MAX",
                    RingLimits.CAPACITY_UNITS_MAX);
    return SimulatedNode.newBuilder().setNodeId(id).setWeight(w).build();
  }

  @Override
  int run(TetherClient client) {
    SimulateResponse r = client.simulate(request);
    if (json()) {
      printJson(r);
      return ExitCodes.OK;
    }
    String nl = System.lineSeparator();
    StringBuilder out = new StringBuilder();
    out.append(
        new Show.Fields()
            .add("change", r.getChange())
            .add("ring epoch", Long.toString(r.getRingEpoch()))
            .add("moved slots", r.getMovedSlots() + " of " + RingLimits.SLOTS)
            .add("moved share", Show.percent(r.getMovedShare()) + " of the hash space")
            .add("moved sessions", r.getMovedSessions() + " pinned sessions rehomed")
            .render());
    if (r.getFlowsCount() > 0) {
      Table flows = new Table("FROM", "TO", "SHARE", "SLOTS").textColumns(1);
      for (Flow f : r.getFlowsList()) {
        flows.row(
            Show.orDash(f.getFrom()),
            Show.orDash(f.getTo()),
            Show.percent(f.getShare()),
            Integer.toString(f.getSlots()));
      }
      out.append(nl).append(flows.render());
    }
    Table load =
        new Table("NODE", "SHARE BEFORE", "SHARE AFTER", "SESSIONS BEFORE", "SESSIONS AFTER");
    for (NodeLoad l : r.getLoadList()) {
      load.row(
          l.getNodeId(),
          Show.percent(l.getShareBefore()),
          Show.percent(l.getShareAfter()),
          Long.toString(l.getSessionsBefore()),
          Long.toString(l.getSessionsAfter()));
    }
    out.append(nl).append(load.render());
    if (!sessions.isEmpty()) {
      out.append(nl)
          .append(r.getSessionMovesCount())
          .append(" of ")
          .append(sessions.size())
          .append(" sessions would move")
          .append(nl);
      if (r.getSessionMovesCount() > 0) {
        Table moves = new Table("SESSION", "FROM", "TO", "PINNED").textColumns(1, 2);
        for (SessionMove m : r.getSessionMovesList()) {
          moves.row(
              m.getSessionId(),
              Show.orDash(m.getFrom()),
              Show.orDash(m.getTo()),
              Boolean.toString(m.getPinned()));
        }
        out.append(moves.render());
      }
    }
    print(out.toString());
    return ExitCodes.OK;
  }
}
