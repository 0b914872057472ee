package dev.tether.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Maps gRPC failures to the client's exception hierarchy. */
final class Errors {
  private Errors() {}

  /** The exception for a failed call to {@code endpoint}. */
  static TetherException map(StatusRuntimeException e, String endpoint) {
    Status status = e.getStatus();
    ErrorDetails details = ErrorDetails.parse(StatusProto.fromThrowable(e));
    String message = status.getDescription() == null ? "" : status.getDescription();
    if (message.isEmpty() && status.getCause() != null) {
      message = String.valueOf(status.getCause().getMessage());
    }
    return of(status.getCode(), message, endpoint, details, e);
  }

  /** The exception for a status code. */
  static TetherException of(
      Status.Code code, String message, String endpoint, ErrorDetails details, Throwable cause) {
    return switch (code) {
      case NOT_FOUND -> new NotFoundException(message, endpoint, details, cause);
      case ABORTED -> new ConflictException(message, endpoint, details, cause);
      case UNAVAILABLE, DEADLINE_EXCEEDED ->
          new UnavailableException(code, message, endpoint, details, cause);
      case INVALID_ARGUMENT -> new InvalidArgumentException(message, endpoint, details, cause);
      case ALREADY_EXISTS -> new AlreadyExistsException(message, endpoint, details, cause);
      case FAILED_PRECONDITION ->
          new FailedPreconditionException(message, endpoint, details, cause);
      case RESOURCE_EXHAUSTED -> new ResourceExhaustedException(message, endpoint, details, cause);
      default -> new TetherException(code, message, endpoint, details, cause);
    };
  }

  /** True for the codes a call may be retried on, at another daemon or after a backoff. */
  static boolean retryable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }
}
