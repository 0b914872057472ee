package dev.tether.cli;

import dev.tether.api.v1.GetNodeResponse;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tether node get NODE --ring R}. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Shows one node: address, state, weight, sessions, zone, labels and times.")
final class NodeGetCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "NODE", description = "The node.")
  String node;

  @Mixin RingOption ring;

  @Mixin ConsistencyOption consistency;

  @Override
  void validate(Usage usage) {
    usage.nodeId("NODE", node);
    ring.check(usage);
  }

  @Override
  int run(TetherClient client) {
    GetNodeResponse r = client.getNode(ring.ring(), node, consistency.get());
    if (json()) {
      printJson(r);
      return ExitCodes.OK;
    }
    print(
        Show.nodeFields(r.getNode())
            .add("ring epoch", Long.toString(r.getRingEpoch()))
            .add("applied index", Long.toString(r.getAppliedIndex()))
            .add("authoritative", Boolean.toString(r.getAuthoritative()))
            .render());
    return ExitCodes.OK;
  }
}
