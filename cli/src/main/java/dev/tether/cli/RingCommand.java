package dev.tether.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tether ring}: the rings of a region, and placement tools that work offline. */
@Command(
    name = "ring",
    mixinStandardHelpOptions = true,
    description = "Rings of a region (each its own Raft group and policy), and placement tools.",
    subcommands = {
      RingCreateCommand.class,
      RingListCommand.class,
      RingShowCommand.class,
      RingDeleteCommand.class,
      RingPolicyCommand.class,
      RingSimulateCommand.class,
      RingWatchCommand.class,
      RingEvaluateCommand.class
    })
public final class RingCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
