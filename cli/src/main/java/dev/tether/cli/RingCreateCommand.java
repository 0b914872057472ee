package dev.tether.cli;

import dev.tether.api.v1.Policy;
import dev.tether.api.v1.Ring;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tether ring create NAME [policy flags]}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Creates a ring: a new Raft group on every daemon, with its own policy. Flags not given"
            + " take their defaults.")
final class RingCreateCommand extends RegionCommand {
  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "Ring name: 1 to 63 characters of [a-z0-9-].")
  String name;

  @Mixin PolicyOptions policyOptions;

  private Policy policy;

  @Override
  void validate(Usage usage) {
    usage.ringName("NAME", name);
    policy = policyOptions.toPolicy(usage);
  }

  @Override
  int run(TetherClient client) {
    Ring ring = client.createRing(name, policy);
    if (json()) {
      printJson(ring);
    } else {
      print(Show.ring(ring));
    }
    return ExitCodes.OK;
  }
}
