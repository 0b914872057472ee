package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tether cluster transfer-leader [--group RING] [--to DAEMON]}. */
@Command(
    name = "transfer-leader",
    mixinStandardHelpOptions = true,
    description =
        "Moves the leadership of a Raft group (a ring's, or the region group) to a daemon, or"
            + " makes the leader step down.")
final class ClusterTransferLeaderCommand extends RegionCommand {
  @Option(
      names = "--group",
      paramLabel = "RING",
      description = "The ring whose group moves (default: the region group).")
  String group = "";

  @Option(
      names = "--to",
      paramLabel = "DAEMON",
      description = "The daemon id to lead (default: the leader steps down, the group elects).")
  String to = "";

  @Override
  void validate(Usage usage) {
    if (!group.isEmpty()) {
      usage.ringName("--group", group);
    }
    if (!to.isEmpty()) {
      usage.nodeId("--to", to);
    }
  }

  @Override
  int run(TetherClient client) {
    String leader = client.transferLeadership(group, to);
    String name = group.isEmpty() ? "region" : group;
    if (json()) {
      ObjectNode o = Json.object();
      o.put("group", name);
      o.put("leader", leader);
      printJson(o);
    } else {
      println("group " + name + " is led by " + (leader.isEmpty() ? "(electing)" : leader));
    }
    return ExitCodes.OK;
  }
}
