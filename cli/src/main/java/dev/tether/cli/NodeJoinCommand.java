package dev.tether.cli;

import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.JoinResponse;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether node join NODE --ring R --address HOST:PORT}. */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Adds a node to a ring (JOINING while it warms up, else ACTIVE), rejoins a node that left"
          + " or went DOWN, or updates a live node's address, weight, zone and labels.",
      "The node must then keep its lease (see `tether node agent`), or it goes DOWN after the"
          + " ring's lease TTL."
    })
final class NodeJoinCommand extends RegionCommand {
  @Parameters(
      index = "0",
      paramLabel = "NODE",
      description = "Node id: 1 to 128 of [A-Za-z0-9._:-].")
  String node;

  @Mixin RingOption ring;

  @Option(
      names = "--address",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Where the node serves its sessions.")
  String address;

  @Mixin NodeOptions nodeOptions;

  @Mixin NodeOptions.JoinExtras extras;

  @Override
  void validate(Usage usage) {
    usage.nodeId("NODE", node);
    ring.check(usage);
    usage.hostPort("--address", address);
    nodeOptions.check(usage);
    extras.check(usage);
  }

  @Override
  int run(TetherClient client) {
    JoinRequest.Builder request =
        JoinRequest.newBuilder()
            .setRing(ring.ring())
            .setNodeId(node)
            .setAddress(address)
            .setWeight(nodeOptions.weight)
            .setZone(nodeOptions.zone)
            .putAllLabels(extras.labels);
    if (extras.warmup != null) {
      request.setWarmupMs(extras.warmup.toMillis());
    }
    JoinResponse r = client.join(request.build());
    if (json()) {
      printJson(r);
    } else {
      print(
          "node "
              + node
              + " is "
              + Show.state(r.getNode().getState())
              + " in ring "
              + ring.ring()
              + " at epoch "
              + r.getRingEpoch()
              + System.lineSeparator()
              + Show.node(r.getNode()));
    }
    return ExitCodes.OK;
  }
}
