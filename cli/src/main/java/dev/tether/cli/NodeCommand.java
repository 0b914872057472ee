package dev.tether.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tether node}: the backend nodes of a ring. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Backend nodes of a ring: join, drain, leave, weight, list, get, and an agent.",
    subcommands = {
      NodeJoinCommand.class,
      NodeDrainCommand.class,
      NodeLeaveCommand.class,
      NodeWeightCommand.class,
      NodeListCommand.class,
      NodeGetCommand.class,
      NodeAgentCommand.class
    })
public final class NodeCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
