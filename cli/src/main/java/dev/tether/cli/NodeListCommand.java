package dev.tether.cli;

import dev.tether.api.v1.ListNodesResponse;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tether node list --ring R}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the nodes of a ring in every state, with their session counts.")
final class NodeListCommand extends RegionCommand {
  @Mixin RingOption ring;

  @Mixin ConsistencyOption consistency;

  @Override
  void validate(Usage usage) {
    ring.check(usage);
  }

  @Override
  int run(TetherClient client) {
    ListNodesResponse r = client.listNodes(ring.ring(), consistency.get());
    if (json()) {
      printJson(r);
      return ExitCodes.OK;
    }
    String header =
        "ring "
            + ring.ring()
            + " at epoch "
            + r.getRingEpoch()
            + ", applied index "
            + r.getAppliedIndex()
            + (r.getAuthoritative() ? "" : " (NOT AUTHORITATIVE: stale read)")
            + System.lineSeparator();
    print(
        header
            + (r.getNodesCount() == 0
                ? "no nodes" + System.lineSeparator()
                : Show.nodes(r.getNodesList())));
    return ExitCodes.OK;
  }
}
