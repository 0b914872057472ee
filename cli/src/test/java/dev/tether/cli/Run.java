package dev.tether.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One execution of the {@code tether} command line with its output captured. */
record Run(int exitCode, String out, String err) {
  /** Runs {@code args} through {@link TetherCommand#newCommandLine()}. */
  static Run of(String... args) {
    CommandLine cli = TetherCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
