package dev.tether.cli;

import dev.tether.client.ConflictException;
import dev.tether.client.InvalidArgumentException;
import dev.tether.client.NotFoundException;
import dev.tether.client.TetherException;
import dev.tether.client.UnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a command's failure to its exit code and the lines printed on stderr: one place, so every
 * command reports a missing ring, a stale token or an unreachable region the same way.
 *
 * <table>
 *   <caption>Client exceptions</caption>
 *   <tr><th>exception</th><th>exit code</th></tr>
 *   <tr><td>{@link NotFoundException}</td><td>{@link ExitCodes#NOT_FOUND}</td></tr>
 *   <tr><td>{@link UnavailableException} (no quorum, deadline, not authoritative)</td>
 *       <td>{@link ExitCodes#UNAVAILABLE}</td></tr>
 *   <tr><td>{@link ConflictException} (version or fencing token)</td>
 *       <td>{@link ExitCodes#CONFLICT}</td></tr>
 *   <tr><td>{@link InvalidArgumentException} (the daemon refused a value)</td>
 *       <td>{@link ExitCodes#USAGE}</td></tr>
 *   <tr><td>any other {@link TetherException} (already exists, failed precondition, limit
 *       reached, internal)</td><td>{@link ExitCodes#ERROR}</td></tr>
 * </table>
 */
final class Failures {
  private Failures() {}

  /** The exit code of a failure; {@code null} when it is not a failure this class knows. */
  static Integer exitCode(Throwable e) {
    if (e instanceof CliException cli) {
      return cli.exitCode();
    }
    if (e instanceof NotFoundException) {
      return ExitCodes.NOT_FOUND;
    }
    if (e instanceof UnavailableException) {
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof ConflictException) {
      return ExitCodes.CONFLICT;
    }
    if (e instanceof InvalidArgumentException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof TetherException) {
      return ExitCodes.ERROR;
    }
    return null;
  }

  /** The lines that explain a known failure: its message, then its details. */
  static List<String> lines(Throwable e) {
    List<String> lines = new ArrayList<>();
    lines.add(e.getMessage());
    if (e instanceof ConflictException c && !c.reason().isEmpty()) {
      lines.add("reason: " + c.reason());
    }
    if (e instanceof InvalidArgumentException i) {
      i.violations().forEach(v -> lines.add(v.field() + ": " + v.description()));
    }
    if (e instanceof UnavailableException u) {
      u.staleness()
          .ifPresent(
              s -> Show.staleness(new Show.Fields(), s).render().lines().forEach(lines::add));
    }
    return lines;
  }
}
