package dev.tether.client;

import io.grpc.Status;

/**
 * A Tether call failed with {@code ALREADY_EXISTS}. The ring or daemon to create already exists.
 *
 * <p>On a retried {@link TetherClient#createRing} this can mean that an earlier attempt, whose
 * answer was lost, succeeded.
 */
public final class AlreadyExistsException extends TetherException {
  private static final long serialVersionUID = 1L;

  AlreadyExistsException(String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(Status.Code.ALREADY_EXISTS, message, endpoint, details, cause);
  }
}
