package dev.tether.statemachine.core;

/**
 * A broken invariant of the replicated state. It stops the replica loudly: continuing would spread
 * corrupt state. Never used for bad input.
 */
public final class InvariantViolation extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  InvariantViolation(String message) {
    super(message);
  }

  /** Throws when {@code condition} is false. */
  static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new InvariantViolation(String.format(format, args));
    }
  }
}
