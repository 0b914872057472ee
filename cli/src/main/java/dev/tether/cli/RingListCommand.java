package dev.tether.cli;

import dev.tether.api.v1.ListRingsResponse;
import dev.tether.api.v1.Ring;
import dev.tether.client.TetherClient;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code tether ring list}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the rings of the region catalog, as the answering daemon knows them.")
final class RingListCommand extends RegionCommand {
  @Override
  int run(TetherClient client) {
    List<Ring> rings = client.listRings();
    if (json()) {
      printJson(ListRingsResponse.newBuilder().addAllRings(rings).build());
      return ExitCodes.OK;
    }
    Table t = new Table("RING", "POLICY", "EPOCH", "NODES", "SESSIONS", "LEADER").textColumns(1, 5);
    for (Ring r : rings) {
      t.row(
          r.getName(),
          Show.placement(r.getPolicy().getPlacement()),
          Long.toString(r.getEpoch()),
          Integer.toString(r.getNodeCount()),
          Long.toString(r.getSessionCount()),
          Show.orDash(r.getLeader()));
    }
    print(t.isEmpty() ? "no rings; create one with: tether ring create NAME\n" : t.render());
    return ExitCodes.OK;
  }
}
