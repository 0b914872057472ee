package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.tether.api.v1.LeaderHint;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NotAuthoritative;
import dev.tether.api.v1.OwnerAnswer;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorMappingTest {
  private static FakeServices.Daemon daemon;
  private static TetherClient client;

  @BeforeAll
  static void start() {
    daemon = new FakeServices.Daemon("a");
    // One attempt: this test is about what one answer maps to, not about retries.
    client = TetherClient.builder().endpoints(List.of(daemon.address())).retryBudget(1).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    daemon.close();
  }

  @BeforeEach
  void clear() {
    daemon.owner.error.set(null);
  }

  static Stream<Arguments> codes() {
    return Stream.of(
        Arguments.of(Status.Code.NOT_FOUND, NotFoundException.class),
        Arguments.of(Status.Code.ABORTED, ConflictException.class),
        Arguments.of(Status.Code.UNAVAILABLE, UnavailableException.class),
        Arguments.of(Status.Code.DEADLINE_EXCEEDED, UnavailableException.class),
        Arguments.of(Status.Code.INVALID_ARGUMENT, InvalidArgumentException.class),
        Arguments.of(Status.Code.ALREADY_EXISTS, AlreadyExistsException.class),
        Arguments.of(Status.Code.FAILED_PRECONDITION, FailedPreconditionException.class),
        Arguments.of(Status.Code.RESOURCE_EXHAUSTED, ResourceExhaustedException.class),
        Arguments.of(Status.Code.PERMISSION_DENIED, TetherException.class),
        Arguments.of(Status.Code.INTERNAL, TetherException.class),
        Arguments.of(Status.Code.UNIMPLEMENTED, TetherException.class));
  }

  @ParameterizedTest
  @MethodSource("codes")
  void everyStatusMapsToItsException(Status.Code code, Class<? extends TetherException> type) {
    // Proves the status-to-exception table, and that the message names the code, the daemon and
    // the daemon's description.
    daemon.owner.error.set(code.toStatus().withDescription("why " + code).asRuntimeException());

    TetherException e = lookupFailure();

    assertThat(e).isExactlyInstanceOf(type);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.endpoint()).isEqualTo(daemon.address());
    assertThat(e.getMessage()).isEqualTo(code + " from " + daemon.address() + ": why " + code);
    assertThat(e.errorReason()).isEmpty();
    assertThat(e.leaderHint()).isEmpty();
  }

  @Test
  void notAuthoritativeCarriesTheLastKnownAnswerAndItsStaleness() {
    // Proves that a LINEARIZABLE lookup refused on a minority daemon hands the application the
    // daemon's last known owner, how stale it is and where else to ask.
    NotAuthoritative details =
        NotAuthoritative.newBuilder()
            .addLastKnown(
                OwnerAnswer.newBuilder()
                    .setSessionId("s1")
                    .setOwner(Node.newBuilder().setId("n3").setAddress("10.1.0.3:80"))
                    .setPinned(true)
                    .setFencingToken(41)
                    .setRingEpoch(9)
                    .setAppliedIndex(120))
            .setRingEpoch(9)
            .setAppliedIndex(120)
            .setStaleness(
                dev.tether.api.v1.Staleness.newBuilder()
                    .setMsSinceLeaderContact(1234)
                    .setLastKnownLeader("d1")
                    .addOtherDaemons("10.0.0.2:7400")
                    .addOtherDaemons("10.0.0.3:7400"))
            .build();
    daemon.owner.error.set(withDetails(Status.Code.UNAVAILABLE, "no quorum", Any.pack(details)));

    UnavailableException e = (UnavailableException) lookupFailure();

    assertThat(e.notAuthoritative()).contains(details);
    assertThat(e.staleness())
        .contains(new Staleness(1234, "d1", List.of("10.0.0.2:7400", "10.0.0.3:7400")));
    assertThat(e.lastKnown()).hasSize(1);
    LookupResult last = e.lastKnown().get(0);
    assertThat(last.owner().orElseThrow().getAddress()).isEqualTo("10.1.0.3:80");
    assertThat(last.fencingToken()).isEqualTo(41);
    assertThat(last.authoritative()).isFalse();
    assertThat(last.staleness()).isEmpty();
  }

  @Test
  void conflictReasonsComeFromErrorInfo() {
    // Proves that ABORTED tells a version mismatch from a stale fencing token by ErrorInfo reason.
    daemon.owner.error.set(
        withDetails(Status.Code.ABORTED, "version 3 != 2", errorInfo("VERSION_MISMATCH")));
    ConflictException version = (ConflictException) lookupFailure();
    daemon.owner.error.set(
        withDetails(Status.Code.ABORTED, "token 4 < 7", errorInfo("STALE_FENCING_TOKEN")));
    ConflictException token = (ConflictException) lookupFailure();
    daemon.owner.error.set(Status.ABORTED.asRuntimeException());
    ConflictException bare = (ConflictException) lookupFailure();

    assertThat(version.isVersionMismatch()).isTrue();
    assertThat(version.isStaleFencingToken()).isFalse();
    assertThat(version.reason()).isEqualTo(ConflictException.VERSION_MISMATCH);
    assertThat(token.isStaleFencingToken()).isTrue();
    assertThat(token.errorReason()).contains("STALE_FENCING_TOKEN");
    assertThat(bare.reason()).isEmpty();
    assertThat(bare.isVersionMismatch()).isFalse();
  }

  @Test
  void badRequestViolationsAreListedInOrder() {
    // Proves that INVALID_ARGUMENT exposes each violated field and its limit.
    BadRequest bad =
        BadRequest.newBuilder()
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField("session_id")
                    .setDescription("is 300 bytes, limit SESSION_ID_BYTES_MAX is 256"))
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder().setField("ring").setDescription("empty"))
            .build();
    daemon.owner.error.set(withDetails(Status.Code.INVALID_ARGUMENT, "bad request", Any.pack(bad)));

    InvalidArgumentException e = (InvalidArgumentException) lookupFailure();

    assertThat(e.violations())
        .containsExactly(
            new InvalidArgumentException.Violation(
                "session_id", "is 300 bytes, limit SESSION_ID_BYTES_MAX is 256"),
            new InvalidArgumentException.Violation("ring", "empty"));
  }

  @Test
  void leaderHintDetailIsExposedAndUnknownDetailsAreIgnored() {
    // Proves that a LeaderHint detail is readable on any error, and that a detail of an unknown
    // type does not get in the way.
    daemon.owner.error.set(
        withDetails(
            Status.Code.FAILED_PRECONDITION,
            "not leader",
            Any.pack(
                LeaderHint.newBuilder().setDaemonId("d2").setApiAddress("10.0.0.2:7400").build()),
            Any.pack(com.google.protobuf.StringValue.of("something new"))));

    TetherException e = lookupFailure();

    assertThat(e).isInstanceOf(FailedPreconditionException.class);
    assertThat(e.leaderHint()).contains("10.0.0.2:7400");
  }

  private static TetherException lookupFailure() {
    return catchThrowableOfType(
        TetherException.class, () -> client.lookup("r", "s1", ReadConsistency.LINEARIZABLE));
  }

  private static Any errorInfo(String reason) {
    return Any.pack(ErrorInfo.newBuilder().setDomain("tether.dev").setReason(reason).build());
  }

  private static io.grpc.StatusRuntimeException withDetails(
      Status.Code code, String message, Any... details) {
    com.google.rpc.Status.Builder s =
        com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message);
    for (Any d : details) {
      s.addDetails(d);
    }
    return StatusProto.toStatusRuntimeException(s.build());
  }
}
