package dev.tether.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.tether.api.v1.LeaderHint;
import dev.tether.api.v1.NotAuthoritative;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The structured details of a failed call (google.rpc.Status details) that the client reads.
 * Details of other types, and details that do not parse, are ignored: they never hide the status
 * itself.
 */
record ErrorDetails(
    Optional<ErrorInfo> errorInfo,
    List<BadRequest.FieldViolation> violations,
    Optional<NotAuthoritative> notAuthoritative,
    Optional<LeaderHint> leaderHint) {
  static final ErrorDetails NONE =
      new ErrorDetails(Optional.empty(), List.of(), Optional.empty(), Optional.empty());

  /** Reads the details of {@code status}; {@code null} (no details trailer) gives {@link #NONE}. */
  static ErrorDetails parse(com.google.rpc.Status status) {
    if (status == null || status.getDetailsCount() == 0) {
      return NONE;
    }
    ErrorInfo info = null;
    List<BadRequest.FieldViolation> violations = new ArrayList<>();
    NotAuthoritative notAuthoritative = null;
    LeaderHint hint = null;
    for (Any any : status.getDetailsList()) {
      try {
        if (any.is(ErrorInfo.class)) {
          info = any.unpack(ErrorInfo.class);
        } else if (any.is(BadRequest.class)) {
          violations.addAll(any.unpack(BadRequest.class).getFieldViolationsList());
        } else if (any.is(NotAuthoritative.class)) {
          notAuthoritative = any.unpack(NotAuthoritative.class);
        } else if (any.is(LeaderHint.class)) {
          hint = any.unpack(LeaderHint.class);
        }
      } catch (InvalidProtocolBufferException e) {
        // A malformed detail is dropped; the status code and message still describe the error.
      }
    }
    return new ErrorDetails(
        Optional.ofNullable(info),
        List.copyOf(violations),
        Optional.ofNullable(notAuthoritative),
        Optional.ofNullable(hint));
  }
}
