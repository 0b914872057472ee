package dev.tether.cli;

import dev.tether.chaos.cli.ChaosCommand;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The root {@code tether} command. Subcommands are plain picocli classes listed here; they report
 * usage errors with {@link ParameterException} (exit {@link ExitCodes#USAGE}) and other failures
 * with {@link CliException} or the client's exceptions (mapped to exit codes by {@link Failures}),
 * and write through {@code spec.commandLine().getOut()/getErr()} so tests can capture them.
 */
@Command(
    name = "tether",
    mixinStandardHelpOptions = true,
    versionProvider = TetherCommand.Version.class,
    description = "Tether: Raft-backed session membership. Pins sessions to backend nodes.",
    subcommands = {
      UpCommand.class,
      DaemonCommand.class,
      RingCommand.class,
      NodeCommand.class,
      SessionCommand.class,
      OwnerCommand.class,
      ClusterCommand.class,
      ChaosCommand.class,
      CompletionCommand.class,
      HelpCommand.class
    })
public final class TetherCommand implements Runnable {
  /** The version when not running from a built jar. */
  static final String VERSION_FALLBACK = "0.1.0-SNAPSHOT";

  @Spec CommandSpec spec;

  /**
   * A command line with Tether's conventions on every command: the exit-code list in {@code
   * --help}, short usage-error messages, and exceptions mapped to {@link ExitCodes}.
   */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new TetherCommand());
    // `session put --data @FILE` reads FILE itself; picocli must not expand it as an argument file.
    commandLine.setExpandAtFiles(false);
    applyConventions(commandLine, ExitCodes.descriptions());
    commandLine.setParameterExceptionHandler(TetherCommand::onUsageError);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          PrintWriter err = cmd.getErr();
          Integer code = Failures.exitCode(e);
          if (code != null) {
            String name = cmd.getCommandSpec().qualifiedName();
            for (String line : Failures.lines(e)) {
              err.println(name + ": " + line);
            }
            err.flush();
            return code;
          }
          err.println(cmd.getCommandSpec().qualifiedName() + ": unexpected error: " + e);
          e.printStackTrace(err);
          err.flush();
          return ExitCodes.ERROR;
        });
    return commandLine;
  }

  /**
   * Sets {@code exitCodes} on a command and its subcommands, except under a command that declares
   * its own list ({@code tether chaos} exits with checker verdicts, not with Tether's API codes).
   */
  private static void applyConventions(CommandLine commandLine, Map<String, String> exitCodes) {
    Map<String, String> own = commandLine.getCommandSpec().usageMessage().exitCodeList();
    Map<String, String> codes = own.isEmpty() ? exitCodes : own;
    commandLine
        .getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(codes);
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      applyConventions(sub, codes);
    }
  }

  private static int onUsageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The version from the jar manifest, or {@link #VERSION_FALLBACK}. */
  static String version() {
    String version = TetherCommand.class.getPackage().getImplementationVersion();
    return version == null ? VERSION_FALLBACK : version;
  }

  /** The version from the jar manifest, or {@link #VERSION_FALLBACK}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tether " + version()};
    }
  }
}
