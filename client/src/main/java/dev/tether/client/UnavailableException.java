package dev.tether.client;

import dev.tether.api.v1.NotAuthoritative;
import io.grpc.Status;
import java.util.List;
import java.util.Optional;

/**
 * No daemon could answer in time ({@code UNAVAILABLE} or {@code DEADLINE_EXCEEDED}, after the
 * client's retries): every endpoint was unreachable, or a LINEARIZABLE read could not be confirmed
 * with a majority, e.g. on the minority side of a network partition.
 *
 * <p>When the daemon could still answer from its own state, the error carries its {@code
 * tether.v1.NotAuthoritative} details: the last known answers ({@link #lastKnown()}), the ring
 * epoch and applied index, and how stale they are ({@link #staleness()}, with the other daemons'
 * addresses to try).
 */
public final class UnavailableException extends TetherException {
  private static final long serialVersionUID = 1L;

  UnavailableException(
      Status.Code code, String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(code, message, endpoint, details, cause);
  }

  /** The daemon's non-authoritative view, when it sent one. */
  public Optional<NotAuthoritative> notAuthoritative() {
    return details().notAuthoritative();
  }

  /**
   * The daemon's last known answers (all {@code authoritative=false}) when the call was a lookup;
   * otherwise empty.
   */
  public List<LookupResult> lastKnown() {
    return notAuthoritative()
        .map(n -> n.getLastKnownList().stream().map(LookupResult::fromProto).toList())
        .orElse(List.of());
  }

  /** How stale the daemon's view is, when it sent one. */
  public Optional<Staleness> staleness() {
    return notAuthoritative()
        .filter(NotAuthoritative::hasStaleness)
        .map(n -> Staleness.fromProto(n.getStaleness()));
  }
}
