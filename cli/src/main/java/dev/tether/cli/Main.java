package dev.tether.cli;

/** The {@code tether} executable. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its {@link ExitCodes exit code}. */
  public static void main(String[] args) {
    System.exit(TetherCommand.newCommandLine().execute(args));
  }
}
