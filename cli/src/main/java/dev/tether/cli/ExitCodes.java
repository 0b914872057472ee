package dev.tether.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code tether} subcommand. Scripts rely on them, so a code never changes
 * meaning; a new condition gets a new code.
 */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** Any failure without a more specific code (an I/O error, a bug). */
  public static final int ERROR = 1;

  /** Bad usage: an unknown flag, a missing argument or a value outside its limit. */
  public static final int USAGE = 2;

  /** The named node, session or ring does not exist. */
  public static final int NOT_FOUND = 3;

  /** The cluster is unavailable or the answering replica is not authoritative (no quorum). */
  public static final int UNAVAILABLE = 4;

  /** A version or fencing-token check failed: someone else changed the object first. */
  public static final int CONFLICT = 5;

  private ExitCodes() {}

  /** Each code with its one-line description, for the exit-code list in {@code --help}. */
  public static Map<String, String> descriptions() {
    Map<String, String> list = new LinkedHashMap<>();
    list.put(Integer.toString(OK), "OK");
    list.put(Integer.toString(ERROR), "ERROR: failure without a more specific code");
    list.put(Integer.toString(USAGE), "USAGE: bad flag, argument or limit");
    list.put(Integer.toString(NOT_FOUND), "NOT_FOUND: no such node, session or ring");
    list.put(Integer.toString(UNAVAILABLE), "UNAVAILABLE: no quorum, or not authoritative");
    list.put(Integer.toString(CONFLICT), "CONFLICT: version or fencing token mismatch");
    return list;
  }
}
