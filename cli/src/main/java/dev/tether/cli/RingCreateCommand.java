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

  /**
   * One attempt: a CreateRing that timed out has usually committed, so a retry would only answer
   * ALREADY_EXISTS for the ring this very command created. Better to say the outcome is unknown
   * (exit 4) and let the user look with `ring show`.
   */
  @Override
  int attempts() {
    return 1;
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
