package dev.tether.client;

import io.grpc.Status;

/**
 * A Tether call failed with {@code NOT_FOUND}. The ring, node or session named in the call does not
 * exist.
 *
 * <p>On a retried {@link TetherClient#closeSession} or {@link TetherClient#leave} this can mean
 * that an earlier attempt, whose answer was lost, succeeded.
 */
public final class NotFoundException extends TetherException {
  private static final long serialVersionUID = 1L;

  NotFoundException(String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(Status.Code.NOT_FOUND, message, endpoint, details, cause);
  }
}
