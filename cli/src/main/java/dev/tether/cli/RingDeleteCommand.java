package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tether ring delete NAME}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Deletes a ring with its nodes, sessions and Raft group.")
final class RingDeleteCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The ring.")
  String name;

  @Override
  void validate(Usage usage) {
    usage.ringName("NAME", name);
  }

  @Override
  int run(TetherClient client) {
    client.deleteRing(name);
    if (json()) {
      ObjectNode o = Json.object();
      o.put("ring", name);
      o.put("deleted", true);
      printJson(o);
    } else {
      println("ring " + name + " deleted");
    }
    return ExitCodes.OK;
  }
}
