package dev.tether.client;

import io.grpc.Status;
import java.util.Optional;

/**
 * A call to Tether failed: the root of the client's one exception hierarchy, unchecked.
 *
 * <p>Subclasses name the failures an application handles differently: {@link NotFoundException},
 * {@link ConflictException}, {@link UnavailableException}, {@link InvalidArgumentException}, {@link
 * AlreadyExistsException}, {@link FailedPreconditionException} and {@link
 * ResourceExhaustedException}. Any other gRPC status (INTERNAL, UNKNOWN, PERMISSION_DENIED,
 * CANCELLED, ...) is a plain {@code TetherException}; {@link #code()} tells which.
 */
public class TetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String endpoint;
  private final transient ErrorDetails details;

  TetherException(
      Status.Code code, String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(code + (endpoint.isEmpty() ? "" : " from " + endpoint) + ": " + message, cause);
    this.code = code;
    this.endpoint = endpoint;
    this.details = details;
  }

  /** The gRPC status code of the failure. */
  public Status.Code code() {
    return code;
  }

  /** The daemon (host:port) whose answer this is; empty when the client gave up by itself. */
  public String endpoint() {
    return endpoint;
  }

  /**
   * The reason of the error's {@code google.rpc.ErrorInfo} detail (domain {@code tether.dev}), such
   * as {@code VERSION_MISMATCH}; empty when the error has none.
   */
  public Optional<String> errorReason() {
    return details().errorInfo().map(info -> info.getReason());
  }

  /**
   * The API address (host:port) of the ring group's leader, when the error carried a {@code
   * tether.v1.LeaderHint}. The client already prefers it for later writes.
   */
  public Optional<String> leaderHint() {
    return details()
        .leaderHint()
        .map(hint -> hint.getApiAddress())
        .filter(address -> !address.isEmpty());
  }

  ErrorDetails details() {
    // Details are not serialized; a deserialized exception keeps only its code and message.
    return details == null ? ErrorDetails.NONE : details;
  }
}
