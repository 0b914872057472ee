package dev.tether.statemachine.core;

import dev.tether.proto.internal.ErrorCode;

/**
 * A business error: the command is refused and changes nothing. Thrown by a handler before its
 * first write and turned into a typed {@code Result} by the core; never escapes the core.
 */
final class Rejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  Rejection(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }

  static Rejection invalid(String message) {
    return new Rejection(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
  }

  static Rejection notFound(String message) {
    return new Rejection(ErrorCode.ERROR_CODE_NOT_FOUND, message);
  }
}
