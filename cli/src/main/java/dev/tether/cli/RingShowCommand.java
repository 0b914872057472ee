package dev.tether.cli;

import dev.tether.api.v1.GetRingResponse;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tether ring show NAME}: the ring, its policy and its nodes. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Shows a ring: its Raft group, epoch, policy and nodes.")
final class RingShowCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The ring.")
  String name;

  @Mixin ConsistencyOption consistency;

  @Override
  void validate(Usage usage) {
    usage.ringName("NAME", name);
  }

  @Override
  int run(TetherClient client) {
    GetRingResponse r = client.getRing(name, consistency.get());
    if (json()) {
      printJson(r);
      return ExitCodes.OK;
    }
    StringBuilder text = new StringBuilder(Show.ring(r.getRing()));
    text.append(System.lineSeparator());
    text.append(
        r.getNodesCount() == 0
            ? "no nodes" + System.lineSeparator()
            : Show.nodes(r.getNodesList()));
    print(text.toString());
    return ExitCodes.OK;
  }
}
