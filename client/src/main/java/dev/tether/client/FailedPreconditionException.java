package dev.tether.client;

import io.grpc.Status;

/**
 * A Tether call failed with {@code FAILED_PRECONDITION}. The call is valid but the state does not
 * allow it now (for example, a node that is not in a state to drain).
 *
 * <p>Never retried by the client: the state has to change first.
 */
public final class FailedPreconditionException extends TetherException {
  private static final long serialVersionUID = 1L;

  FailedPreconditionException(
      String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(Status.Code.FAILED_PRECONDITION, message, endpoint, details, cause);
  }
}
