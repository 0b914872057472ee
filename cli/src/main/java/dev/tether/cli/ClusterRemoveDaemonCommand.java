package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.api.v1.DaemonStatus;
import dev.tether.client.TetherClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tether cluster remove-daemon ID}. */
@Command(
    name = "remove-daemon",
    mixinStandardHelpOptions = true,
    description = "Removes a daemon from every group of the region (never the last one).")
final class ClusterRemoveDaemonCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The daemon id.")
  String id;

  @Override
  void validate(Usage usage) {
    ClusterAddDaemonCommand.daemonId(usage, "ID", id);
  }

  @Override
  int run(TetherClient client) {
    printDaemons(this, "daemon " + id + " removed", client.removeDaemon(id));
    return ExitCodes.OK;
  }

  /** The daemons after a change: a table, or {@code {"daemons": [...]}}. */
  static void printDaemons(RegionCommand cmd, String what, List<DaemonStatus> daemons) {
    if (cmd.json()) {
      ObjectNode o = Json.object();
      ArrayNode list = o.putArray("daemons");
      daemons.forEach(d -> list.add(Json.tree(d)));
      cmd.printJson(o);
      return;
    }
    Table t = new Table("DAEMON", "RAFT", "API", "HTTP").textColumns(1, 2, 3);
    for (DaemonStatus d : daemons) {
      t.row(d.getId(), d.getRaftAddress(), d.getApiAddress(), Show.orDash(d.getHttpAddress()));
    }
    cmd.print(what + System.lineSeparator() + t.render());
  }
}
