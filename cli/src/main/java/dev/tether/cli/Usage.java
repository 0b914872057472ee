package dev.tether.cli;

import dev.tether.ring.Member;
import dev.tether.ring.SessionHash;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values against their limits. Each failure is a picocli {@link
 * ParameterException} (exit {@link ExitCodes#USAGE}) whose message names the flag, the value and
 * the limit; commands run these checks before they connect to anything.
 */
final class Usage {
  /** Longest ring name, characters (the daemon's RING_NAME_BYTES_MAX). */
  static final int RING_NAME_CHARS_MAX = 63;

  /** Longest host:port, UTF-8 bytes (the daemon's ADDRESS_BYTES_MAX). */
  static final int ADDRESS_BYTES_MAX = 256;

  private final CommandSpec spec;

  Usage(CommandSpec spec) {
    this.spec = spec;
  }

  /** A usage error with this message. */
  ParameterException error(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Checks {@code min <= value <= max}. */
  long range(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw error(flag + " is " + value + ", must be in [" + min + ", " + max + "]");
    }
    return value;
  }

  /** Checks {@code min <= value <= max}; the limits may be named ({@code NAME=value}). */
  long range(String flag, long value, String min, long minValue, String max, long maxValue) {
    if (value < minValue || value > maxValue) {
      throw error(
          flag
              + " is "
              + value
              + ", must be in ["
              + bound(min, minValue)
              + ", "
              + bound(max, maxValue)
              + "]");
    }
    return value;
  }

  private static String bound(String name, long value) {
    return name == null ? Long.toString(value) : name + "=" + value;
  }

  /** Checks {@code min <= value <= max}. */
  Duration range(String flag, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw error(
          flag
              + " is "
              + Durations.format(value)
              + ", must be in ["
              + Durations.format(min)
              + ", "
              + Durations.format(max)
              + "]");
    }
    return value;
  }

  /**
   * Runs a check of the client or ring library that throws {@link IllegalArgumentException} naming
   * its field, and turns a failure into a usage error.
   */
  void check(Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  /** Checks a node id: 1..128 characters of [A-Za-z0-9._:-]. */
  String nodeId(String flag, String id) {
    check(() -> Member.checkNodeId(flag, id));
    return id;
  }

  /** Checks a session id: 1..256 UTF-8 bytes. */
  String sessionId(String flag, String id) {
    check(() -> SessionHash.checkSessionId(flag, id));
    return id;
  }

  /** Checks a ring name: 1..63 characters of [a-z0-9-], not starting with '-'. */
  String ringName(String flag, String name) {
    if (name.isEmpty() || name.length() > RING_NAME_CHARS_MAX) {
      throw error(
          flag
              + " is "
              + name.length()
              + " characters, must be in [1, RING_NAME_BYTES_MAX="
              + RING_NAME_CHARS_MAX
              + "]");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0))) {
        throw error(
            flag + " '" + name + "' must match [a-z0-9][a-z0-9-]* (bad character at " + i + ")");
      }
    }
    return name;
  }

  /** Checks a host:port ({@code [v6]:port} for IPv6): a host, a port in [1, 65535], 256 bytes. */
  String hostPort(String flag, String address) {
    bytes(flag, address, 1, ADDRESS_BYTES_MAX, "ADDRESS_BYTES_MAX");
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? "" : address.substring(0, colon);
    if (host.isEmpty() || (host.contains(":") && !host.startsWith("["))) {
      throw error(flag + " '" + address + "' must be host:port ([v6]:port for IPv6)");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw error(flag + " '" + address + "' has a port that is not a number");
    }
    if (port < 1 || port > 65_535) {
      throw error(flag + " '" + address + "' has port " + port + ", must be in [1, 65535]");
    }
    return address;
  }

  /** Checks the UTF-8 length of {@code value}. */
  String bytes(String flag, String value, int min, int max, String maxName) {
    int n = value.getBytes(StandardCharsets.UTF_8).length;
    if (n < min || n > max) {
      throw error(
          flag + " is " + n + " bytes, must be in [" + min + ", " + maxName + "=" + max + "]");
    }
    return value;
  }
}
