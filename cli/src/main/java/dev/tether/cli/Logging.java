package dev.tether.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The log level of the {@code tether} process. The daemon's logback.xml reads {@code
 * TETHER_LOG_LEVEL} (default INFO); a command sets its own default on top unless the user chose a
 * level, so client commands print their results without the client's INFO lines, and {@code up}
 * keeps its daemons' chatter to warnings.
 */
final class Logging {
  /** The environment variable the daemon's logback.xml reads. */
  static final String ENV = "TETHER_LOG_LEVEL";

  private static final List<String> LEVELS =
      List.of("error", "warn", "info", "debug", "trace", "off");

  private Logging() {}

  /**
   * Sets the root level to {@code level} if given, else leaves the one TETHER_LOG_LEVEL chose, else
   * sets {@code fallback}.
   */
  static void apply(String level, String fallback) {
    if (level == null) {
      String env = System.getenv(ENV);
      if (env != null && !env.isBlank()) {
        return;
      }
      level = fallback;
    }
    setRoot(level);
  }

  /**
   * Sets the root logger's level, when logback is the binding, and java.util.logging's to match
   * (Ratis's shaded gRPC logs through it).
   */
  static void setRoot(String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    }
    java.util.logging.Logger.getLogger("")
        .setLevel(
            switch (level) {
              case "error" -> java.util.logging.Level.SEVERE;
              case "warn" -> java.util.logging.Level.WARNING;
              case "debug" -> java.util.logging.Level.FINE;
              case "trace" -> java.util.logging.Level.FINEST;
              case "off" -> java.util.logging.Level.OFF;
              default -> java.util.logging.Level.INFO;
            });
  }

  /** Sets the level of one logger, when logback is the binding. */
  static void setLogger(String name, String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(name).setLevel(Level.toLevel(level, Level.INFO));
    }
  }

  /** The {@code --log-level} option of the long-running commands. */
  static final class Options {
    @Option(
        names = "--log-level",
        paramLabel = "LEVEL",
        converter = LevelConverter.class,
        completionCandidates = Candidates.class,
        description =
            "Log level on stderr: error, warn, info, debug, trace or off (default: $"
                + ENV
                + ", else warn; info for `tether daemon`).")
    String level;

    /** Applies the chosen level, else TETHER_LOG_LEVEL, else {@code fallback}. */
    void apply(String fallback) {
      Logging.apply(level, fallback);
    }
  }

  static final class LevelConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.toLowerCase(Locale.ROOT);
      if (!LEVELS.contains(v)) {
        throw new TypeConversionException(
            "'" + value + "' is not a log level, expected one of " + String.join(", ", LEVELS));
      }
      return v;
    }
  }

  static final class Candidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return LEVELS.iterator();
    }
  }
}
