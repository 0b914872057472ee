package dev.tether.cli;

import dev.tether.api.v1.Policy;
import dev.tether.api.v1.Ring;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tether ring policy NAME [policy flags]}: UpdatePolicy. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Changes a ring's policy: the fields given by flags; the others keep their values.",
      "Changing --policy or --vnodes rebuilds the placement; pinned sessions keep their owners."
    })
final class RingPolicyCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The ring.")
  String name;

  @Mixin PolicyOptions policyOptions;

  private Policy policy;

  @Override
  void validate(Usage usage) {
    usage.ringName("NAME", name);
    if (policyOptions.isEmpty()) {
      throw usage.error(
          "give at least one policy flag: --policy, --vnodes, --balance, --lease-ttl,"
              + " --session-ttl, --warmup, --warmup-steps, --drain-deadline, --rehome-rate,"
              + " --state-max");
    }
    policy = policyOptions.toPolicy(usage);
  }

  @Override
  int run(TetherClient client) {
    Ring ring = client.updatePolicy(name, policy);
    if (json()) {
      printJson(ring);
    } else {
      print(Show.ring(ring));
    }
    return ExitCodes.OK;
  }
}
