package dev.tether.daemon.api;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.tether.proto.internal.ErrorCode;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;

/** Builds gRPC errors with structured details (google.rpc.Status). */
final class ApiError {
  static final String DOMAIN = "tether.dev";

  private ApiError() {}

  /** INVALID_ARGUMENT naming the field: the message starts with the field name. */
  static StatusRuntimeException invalid(String message) {
    String field = message.split("[ '\\[]", 2)[0];
    return status(
        Code.INVALID_ARGUMENT,
        message,
        List.of(
            BadRequest.newBuilder()
                .addFieldViolations(
                    BadRequest.FieldViolation.newBuilder().setField(field).setDescription(message))
                .build()));
  }

  static StatusRuntimeException notFound(String message) {
    return status(Code.NOT_FOUND, message, List.of());
  }

  static StatusRuntimeException unavailable(String message, List<? extends Message> details) {
    return status(Code.UNAVAILABLE, message, details);
  }

  static StatusRuntimeException deadline(String message, List<? extends Message> details) {
    return status(Code.DEADLINE_EXCEEDED, message, details);
  }

  static StatusRuntimeException internal(String message) {
    return status(Code.INTERNAL, message, List.of());
  }

  /** The gRPC error of a command's typed result. */
  static StatusRuntimeException of(ErrorCode code, String message) {
    Code grpc =
        switch (code) {
          case ERROR_CODE_NOT_FOUND -> Code.NOT_FOUND;
          case ERROR_CODE_VERSION_MISMATCH, ERROR_CODE_STALE_FENCING_TOKEN -> Code.ABORTED;
          case ERROR_CODE_LIMIT_EXCEEDED, ERROR_CODE_RING_FULL -> Code.RESOURCE_EXHAUSTED;
          case ERROR_CODE_INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
          case ERROR_CODE_ALREADY_EXISTS -> Code.ALREADY_EXISTS;
          case ERROR_CODE_WRONG_GROUP -> Code.UNAVAILABLE;
          default -> Code.FAILED_PRECONDITION;
        };
    if (grpc == Code.INVALID_ARGUMENT) {
      return invalid(message);
    }
    String reason = code.name().replace("ERROR_CODE_", "");
    return status(
        grpc, message, List.of(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason).build()));
  }

  static StatusRuntimeException status(Code code, String message, List<? extends Message> details) {
    com.google.rpc.Status.Builder s =
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message);
    for (Message d : details) {
      s.addDetails(Any.pack(d));
    }
    return StatusProto.toStatusRuntimeException(s.build());
  }
}
