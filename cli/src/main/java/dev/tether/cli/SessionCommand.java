package dev.tether.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tether session}: sessions of a ring and their state. */
@Command(
    name = "session",
    mixinStandardHelpOptions = true,
    description = "Sessions of a ring: open, close, get, list, and put their state.",
    subcommands = {
      SessionOpenCommand.class,
      SessionCloseCommand.class,
      SessionGetCommand.class,
      SessionListCommand.class,
      SessionPutCommand.class
    })
public final class SessionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
