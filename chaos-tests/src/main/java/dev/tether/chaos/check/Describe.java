package dev.tether.chaos.check;

import dev.tether.chaos.history.Op;
import java.util.Locale;

/** Short, precise descriptions of history entries for violation messages. */
public final class Describe {
  private Describe() {}

  /** Milliseconds since the run started, e.g. {@code 12.345s}. */
  public static String at(long nanos) {
    return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
  }

  public static String op(Op op) {
    if (op == null) {
      return "(none)";
    }
    StringBuilder b =
        new StringBuilder()
            .append('#')
            .append(op.id())
            .append(' ')
            .append(op.kind().name().toLowerCase(Locale.ROOT))
            .append(op.stale() ? "-stale" : "")
            .append('(')
            .append(op.key());
    if (op.kind() == dev.tether.chaos.history.OpKind.PUT) {
      b.append(", token=")
          .append(op.request().token())
          .append(", v=")
          .append(op.request().version())
          .append(", data=")
          .append(op.request().data());
    }
    b.append(") p")
        .append(op.process())
        .append('@')
        .append(op.daemon())
        .append(" [")
        .append(at(op.invokeNanos()))
        .append(", ")
        .append(at(op.completeNanos()))
        .append("] ")
        .append(op.outcome());
    Op.Answer a = op.result();
    if (a != null) {
      b.append(" -> token=").append(a.token()).append(" owner=").append(a.owner());
      if (a.version() >= 0) {
        b.append(" v=").append(a.version());
      }
      if (a.data() != null) {
        b.append(" data=").append(a.data());
      }
      if (a.authoritative()) {
        b.append(" authoritative");
      }
      if (a.pendingRehome()) {
        b.append(" pending-rehome");
      }
    }
    if (!op.error().isEmpty()) {
      b.append(" error=").append(op.error());
    }
    return b.toString();
  }
}
