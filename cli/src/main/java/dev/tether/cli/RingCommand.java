package dev.tether.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tether ring}: placement tools that work offline, without a cluster. */
@Command(
    name = "ring",
    mixinStandardHelpOptions = true,
    description = "Ring placement tools.",
    subcommands = {RingEvaluateCommand.class})
public final class RingCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
