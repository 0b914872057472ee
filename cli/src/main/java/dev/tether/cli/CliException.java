package dev.tether.cli;

/**
 * A failure a subcommand reports to the user: the message goes to stderr and the process exits with
 * {@link #exitCode()}. Use picocli's {@code ParameterException} instead for usage errors.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /** A failure with one of the {@link ExitCodes}. */
  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A failure with one of the {@link ExitCodes}. */
  public CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  /** The code the process exits with. */
  public int exitCode() {
    return exitCode;
  }
}
