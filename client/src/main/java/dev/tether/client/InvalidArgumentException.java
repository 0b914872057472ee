package dev.tether.client;

import io.grpc.Status;
import java.util.List;
import java.util.Objects;

/**
 * A request broke a documented limit ({@code INVALID_ARGUMENT}); the message names the field and
 * the limit, and {@link #violations()} lists them one by one when the daemon sent a {@code
 * google.rpc.BadRequest}. Never retried by the client: the same request would fail again.
 */
public final class InvalidArgumentException extends TetherException {
  private static final long serialVersionUID = 1L;

  /**
   * One violated field.
   *
   * @param field the request field, e.g. {@code session_id}
   * @param description what is wrong and the limit
   */
  public record Violation(String field, String description) {
    /** Checks for nulls. */
    public Violation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(description, "description");
    }
  }

  InvalidArgumentException(String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(Status.Code.INVALID_ARGUMENT, message, endpoint, details, cause);
  }

  /** The violated fields, in the daemon's order; empty when it sent no {@code BadRequest}. */
  public List<Violation> violations() {
    return details().violations().stream()
        .map(v -> new Violation(v.getField(), v.getDescription()))
        .toList();
  }
}
