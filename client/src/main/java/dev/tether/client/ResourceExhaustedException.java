package dev.tether.client;

import io.grpc.Status;

/**
 * A Tether call failed with {@code RESOURCE_EXHAUSTED}. A limit of the ring or region is reached
 * (nodes, sessions, rings, state size) or the daemon sheds load.
 *
 * <p>Never retried by the client.
 */
public final class ResourceExhaustedException extends TetherException {
  private static final long serialVersionUID = 1L;

  ResourceExhaustedException(
      String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(Status.Code.RESOURCE_EXHAUSTED, message, endpoint, details, cause);
  }
}
