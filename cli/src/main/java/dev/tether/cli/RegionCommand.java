package dev.tether.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.MessageOrBuilder;
import dev.tether.client.TetherClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a region through the Java client: it checks its own options ({@link
 * #validate}), then the region options, and only then connects and {@link #run runs}. Failures of
 * the client propagate; {@link Failures} maps them to exit codes.
 */
abstract class RegionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegionOptions region;

  @Override
  public final Integer call() throws Exception {
    Usage usage = new Usage(spec);
    validate(usage);
    logLevel();
    try (TetherClient client = region.connect(usage, attempts())) {
      return run(client);
    }
  }

  /** Checks the command's own options; runs before anything connects. */
  void validate(Usage usage) {}

  /** Sets the log level: warnings only, unless TETHER_LOG_LEVEL says otherwise. */
  void logLevel() {
    Logging.apply(null, "warn");
  }

  /** Attempts per call; 0 leaves the client's default (retries on UNAVAILABLE). */
  int attempts() {
    return 0;
  }

  /** Does the work; returns the exit code. */
  abstract int run(TetherClient client) throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  boolean json() {
    return region.output().json();
  }

  /** Prints text as it is (it ends with a line separator) and flushes. */
  void print(String text) {
    out().print(text);
    out().flush();
  }

  /** Prints one line and flushes. */
  void println(String line) {
    out().println(line);
    out().flush();
  }

  /** Prints an API message as one JSON document. */
  void printJson(MessageOrBuilder message) {
    println(Json.print(message));
  }

  /** Prints a composite output as one JSON document. */
  void printJson(JsonNode node) {
    println(Json.print(node));
  }
}
