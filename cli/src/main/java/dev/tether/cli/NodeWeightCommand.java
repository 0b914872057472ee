package dev.tether.cli;

import dev.tether.api.v1.SetWeightResponse;
import dev.tether.client.TetherClient;
import dev.tether.ring.RingLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tether node weight NODE W --ring R}. */
@Command(
    name = "weight",
    mixinStandardHelpOptions = true,
    description =
        "Sets a node's capacity in units; the slot table moves exactly the slots to or from it.")
final class NodeWeightCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "NODE", description = "The node.")
  String node;

  @Parameters(index = "1", paramLabel = "W", description = "Capacity units, 1 to 1000.")
  int weight;

  @Mixin RingOption ring;

  @Override
  void validate(Usage usage) {
    usage.nodeId("NODE", node);
    usage.range("W", weight, null, 1, "CAPACITY_UNITS_MAX", RingLimits.CAPACITY_UNITS_MAX);
    ring.check(usage);
  }

  @Override
  int run(TetherClient client) {
    SetWeightResponse r = client.setWeight(ring.ring(), node, weight);
    if (json()) {
      printJson(r);
    } else {
      println(
          "node "
              + node
              + " has weight "
              + r.getNode().getWeight()
              + " at epoch "
              + r.getRingEpoch());
    }
    return ExitCodes.OK;
  }
}
