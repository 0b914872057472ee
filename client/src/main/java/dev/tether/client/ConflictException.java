package dev.tether.client;

import io.grpc.Status;

/**
 * A compare-and-set or fenced write was refused ({@code ABORTED}): the state version is not the one
 * expected, or the fencing token is not the session's current one.
 *
 * <p>{@link #reason()} tells which, from the error's {@code google.rpc.ErrorInfo}. A {@link
 * TetherClient#putState} retried after a lost answer may see {@link #VERSION_MISMATCH} caused by
 * its own first attempt: read the state again to decide. Never retried by the client.
 */
public final class ConflictException extends TetherException {
  private static final long serialVersionUID = 1L;

  /** The reason of a PutState whose expected version is not the current one. */
  public static final String VERSION_MISMATCH = "VERSION_MISMATCH";

  /** The reason of a write whose fencing token is not the session's current one. */
  public static final String STALE_FENCING_TOKEN = "STALE_FENCING_TOKEN";

  ConflictException(String message, String endpoint, ErrorDetails details, Throwable cause) {
    super(Status.Code.ABORTED, message, endpoint, details, cause);
  }

  /**
   * {@link #VERSION_MISMATCH}, {@link #STALE_FENCING_TOKEN}, another reason a newer daemon sends,
   * or empty when the error carried no {@code ErrorInfo}.
   */
  public String reason() {
    return errorReason().orElse("");
  }

  /** True when the expected state version was not the current one. */
  public boolean isVersionMismatch() {
    return VERSION_MISMATCH.equals(reason());
  }

  /** True when the fencing token was stale: another node owns the session now. */
  public boolean isStaleFencingToken() {
    return STALE_FENCING_TOKEN.equals(reason());
  }
}
