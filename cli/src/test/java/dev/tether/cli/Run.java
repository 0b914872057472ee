package dev.tether.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** One execution of the {@code tether} command line with its output captured. */
record Run(int exitCode, String out, String err) {
  /** Runs {@code args} through {@link TetherCommand#newCommandLine()}. */
  static Run of(String... args) {
    return start(args).await(Duration.ofMinutes(2));
  }

  /** Starts {@code args} on another thread; its output can be read while it runs. */
  static Running start(String... args) {
    CommandLine cli = TetherCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    // A thread of its own: the common pool may have a single thread on a small machine, and
    // commands that run side by side (a watch and a join) must not wait for each other.
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(
            () -> cli.execute(args),
            task -> {
              Thread t = new Thread(task, "tether-cli-run");
              t.setDaemon(true);
              t.start();
            });
    return new Running(code, out, err);
  }

  /** A command line running on another thread. */
  record Running(CompletableFuture<Integer> code, StringWriter outWriter, StringWriter errWriter) {
    /** What it printed on stdout so far. */
    String out() {
      return outWriter.toString();
    }

    /** What it printed on stderr so far. */
    String err() {
      return errWriter.toString();
    }

    /** Waits for it to end, at most {@code timeout}. */
    Run await(Duration timeout) {
      try {
        int exit = code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Run(exit, out(), err());
      } catch (Exception e) {
        throw new AssertionError(
            "the command did not end within " + timeout + "; out: " + out() + "; err: " + err(), e);
      }
    }
  }
}
