package dev.tether.cli;

import dev.tether.api.v1.LeaveResponse;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tether node leave NODE --ring R}. */
@Command(
    name = "leave",
    mixinStandardHelpOptions = true,
    description =
        "Takes a node out of a ring at once (LEFT): its sessions are rehomed at the ring's pace"
            + " and its record is deleted when the last one moved. Drain first to hand them off"
            + " gently.")
final class NodeLeaveCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "NODE", description = "The node.")
  String node;

  @Mixin RingOption ring;

  @Override
  void validate(Usage usage) {
    usage.nodeId("NODE", node);
    ring.check(usage);
  }

  @Override
  int run(TetherClient client) {
    LeaveResponse r = client.leave(ring.ring(), node);
    if (json()) {
      printJson(r);
    } else {
      println(
          "node "
              + node
              + " is "
              + Show.state(r.getNode().getState())
              + " at epoch "
              + r.getRingEpoch()
              + "; "
              + r.getNode().getSessionCount()
              + " sessions to rehome");
    }
    return ExitCodes.OK;
  }
}
