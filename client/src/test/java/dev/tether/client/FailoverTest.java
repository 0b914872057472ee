package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.tether.api.v1.LeaderHint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailoverTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void warmUpTheTransport() {
    // The first channel of a JVM loads Netty, which can take longer than the short deadlines
    // below; pay for it once here.
    try (FakeServices.Daemon d = new FakeServices.Daemon("warm");
        TetherClient c =
            TetherClient.builder()
                .endpoints(List.of(d.address()))
                .deadline(Duration.ofSeconds(30))
                .build()) {
      c.lookup("r", "s", ReadConsistency.STALE);
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private FakeServices.Daemon daemon(String name) {
    FakeServices.Daemon d = new FakeServices.Daemon(name);
    toClose.add(d);
    return d;
  }

  private TetherClient client(TetherClient.Builder b) {
    TetherClient c = b.build();
    toClose.add(c);
    return c;
  }

  @Test
  void readsFailOverToTheNextEndpointAndStayThere() {
    // Proves that a call whose first endpoint refuses connections is answered by the second, and
    // that later reads go straight to the endpoint that worked.
    FakeServices.Daemon b = daemon("b");
    TetherClient client =
        client(
            TetherClient.builder()
                .endpoints(List.of(FakeDaemon.deadAddress(), b.address()))
                .randomSeed(1));

    LookupResult first = client.lookup("r", "s1", ReadConsistency.LINEARIZABLE);
    LookupResult second = client.lookup("r", "s2", ReadConsistency.STALE);

    assertThat(first.owner().orElseThrow().getId()).isEqualTo("owner-from-b");
    assertThat(second.owner().orElseThrow().getId()).isEqualTo("owner-from-b");
    assertThat(b.calls("Lookup")).isEqualTo(2);
  }

  @Test
  void retryBudgetCountsEveryAttemptWithGrowingJitteredBackoff() {
    // Proves that an always-UNAVAILABLE daemon is called exactly retryBudget times, with a backoff
    // before each retry drawn from the upper half of base * 2^(n-1).
    FakeServices.Daemon a = daemon("a");
    a.owner.error.set(Status.UNAVAILABLE.withDescription("no leader").asRuntimeException());
    FakeTicker ticker = new FakeTicker();
    List<Long> pauses = new ArrayList<>();
    TetherClient client =
        client(
            TetherClient.builder()
                .endpoints(List.of(a.address()))
                .retryBudget(4)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(150))
                .ticker(ticker)
                .sleeper(ticker.sleeper(pauses))
                .randomSeed(42));

    assertThatThrownBy(() -> client.lookup("r", "s", ReadConsistency.LINEARIZABLE))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("no leader");

    assertThat(a.calls("Lookup")).isEqualTo(4);
    assertThat(pauses).hasSize(3);
    long ms = 1_000_000;
    assertThat(pauses.get(0)).isBetween(25 * ms, 50 * ms);
    assertThat(pauses.get(1)).isBetween(50 * ms, 100 * ms);
    assertThat(pauses.get(2)).isBetween(75 * ms, 150 * ms);
  }

  @Test
  void backoffNeverRunsPastTheCallDeadline() {
    // Proves that the deadline bounds the retries: the loop stops as soon as the next backoff
    // would not leave time for an attempt, long before the budget of 10 is spent.
    FakeServices.Daemon a = daemon("a");
    FakeTicker ticker = new FakeTicker();
    List<Long> pauses = new ArrayList<>();
    TetherClient client =
        client(
            TetherClient.builder()
                .endpoints(List.of(a.address()))
                .deadline(Duration.ofSeconds(1))
                .retryBudget(10)
                .backoff(Duration.ofMillis(400), Duration.ofSeconds(10))
                .ticker(ticker)
                .sleeper(ticker.sleeper(pauses))
                .randomSeed(7));
    // Connect first: only the fake ticker may count against the deadline in what follows.
    client.lookup("r", "warm-up", ReadConsistency.LINEARIZABLE);
    a.owner.error.set(Status.UNAVAILABLE.asRuntimeException());

    assertThatThrownBy(() -> client.lookup("r", "s", ReadConsistency.LINEARIZABLE))
        .isInstanceOf(UnavailableException.class);

    // Only backoff moves the fake ticker, so the pauses alone must fit in the deadline.
    assertThat(pauses.stream().mapToLong(Long::longValue).sum()).isLessThan(1_000_000_000L);
    assertThat(a.calls("Lookup") - 1).isEqualTo(pauses.size() + 1).isLessThanOrEqualTo(3);
  }

  @Test
  void realTimeRetriesEndWithinTheDeadline() {
    // Proves the same bound on the wall clock: with every endpoint down, a 300 ms call gives up
    // close to 300 ms however large the budget.
    TetherClient client =
        client(
            TetherClient.builder()
                .endpoints(List.of(FakeDaemon.deadAddress(), FakeDaemon.deadAddress()))
                .deadline(Duration.ofMillis(300))
                .retryBudget(10)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
    long start = System.nanoTime();

    assertThatThrownBy(() -> client.lookup("r", "s", ReadConsistency.STALE))
        .isInstanceOf(UnavailableException.class);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
  }

  enum Final {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ABORTED,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    PERMISSION_DENIED,
    INTERNAL
  }

  @ParameterizedTest
  @EnumSource(Final.class)
  void answersThatRetryingCannotChangeAreNotRetried(Final code) {
    // Proves that only UNAVAILABLE and DEADLINE_EXCEEDED are retried: these codes cost one call.
    FakeServices.Daemon a = daemon("a");
    FakeServices.Daemon b = daemon("b");
    a.sessions.error.set(Status.Code.valueOf(code.name()).toStatus().asRuntimeException());
    TetherClient client =
        client(TetherClient.builder().endpoints(List.of(a.address(), b.address())));

    assertThatThrownBy(() -> client.openSession("r", "s"))
        .isInstanceOf(TetherException.class)
        .satisfies(e -> assertThat(((TetherException) e).code().name()).isEqualTo(code.name()));

    assertThat(a.calls("Open")).isEqualTo(1);
    assertThat(b.calls("Open")).isZero();
  }

  @Test
  void leaderHeaderSendsLaterWritesOfThatRingToTheLeader() {
    // Proves that a tether-leader header makes later writes of the same ring go to the named
    // daemon, while reads and other rings' writes stay on the current endpoint.
    FakeServices.Daemon a = daemon("a");
    FakeServices.Daemon b = daemon("b");
    a.server.leaderHeader("d2=" + b.address());
    TetherClient client =
        client(TetherClient.builder().endpoints(List.of(a.address(), b.address())));

    client.openSession("chat", "s1");
    assertThat(a.calls("Open")).isEqualTo(1);

    assertThat(client.openSession("chat", "s2").getSession().getOwner().getId())
        .isEqualTo("owner-from-b");
    client.openSession("chat", "s3");
    client.lookup("chat", "s1", ReadConsistency.LINEARIZABLE);
    client.openSession("games", "s4");

    assertThat(b.calls("Open")).isEqualTo(2);
    assertThat(a.calls("Lookup")).isEqualTo(1);
    assertThat(a.calls("Open")).isEqualTo(2);
  }

  @Test
  void leaderHintDetailRedirectsTheRetryEvenToAnUnconfiguredDaemon() {
    // Proves that an UNAVAILABLE error with a tether.v1.LeaderHint detail sends the retry, and
    // later writes, to the hinted daemon, opening a channel to it on demand.
    FakeServices.Daemon a = daemon("a");
    FakeServices.Daemon leader = daemon("leader");
    a.sessions.error.set(
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.UNAVAILABLE.value())
                .setMessage("not the leader")
                .addDetails(
                    Any.pack(
                        LeaderHint.newBuilder()
                            .setDaemonId("d9")
                            .setApiAddress(leader.address())
                            .build()))
                .build()));
    TetherClient client =
        client(
            TetherClient.builder()
                .endpoints(List.of(a.address()))
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)));

    assertThat(client.openSession("chat", "s1").getSession().getOwner().getId())
        .isEqualTo("owner-from-leader");
    client.openSession("chat", "s2");

    assertThat(a.calls("Open")).isEqualTo(1);
    assertThat(leader.calls("Open")).isEqualTo(2);
  }

  @Test
  void hintToADeadLeaderIsDroppedAndTheWriteStillSucceeds() {
    // Proves that a hinted leader that fails loses its hint, so the retry goes back to the
    // configured endpoints instead of insisting on a dead daemon.
    FakeServices.Daemon a = daemon("a");
    TetherClient client =
        client(
            TetherClient.builder()
                .endpoints(List.of(a.address()))
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)));
    client.openSession("chat", "s1");
    a.server.leaderHeader("gone=" + FakeDaemon.deadAddress());
    client.openSession("chat", "s2");
    a.server.leaderHeader(null);

    assertThat(client.openSession("chat", "s3").getSession().getOwner().getId())
        .isEqualTo("owner-from-a");
    assertThat(a.calls("Open")).isEqualTo(3);
  }

  @Test
  void aRetryThatOutlivesTheDeadlineReportsDeadlineExceeded() {
    // Proves that a daemon slower than the deadline yields an UnavailableException whose code is
    // DEADLINE_EXCEEDED, and that no retry starts without time left.
    FakeServices.Daemon slow = daemon("slow");
    slow.owner.error.set(null);
    FakeDaemon hanging =
        FakeDaemon.start(
            new dev.tether.api.v1.OwnerServiceGrpc.OwnerServiceImplBase() {
              @Override
              public void lookup(
                  dev.tether.api.v1.LookupRequest request,
                  io.grpc.stub.StreamObserver<dev.tether.api.v1.LookupResponse> out) {
                // Never answers.
              }
            });
    toClose.add(hanging);
    TetherClient client =
        client(
            TetherClient.builder()
                .endpoints(List.of(hanging.address()))
                // Long enough for a loaded machine to connect and deliver the call once.
                .deadline(Duration.ofMillis(1_000)));

    assertThatThrownBy(() -> client.lookup("r", "s", ReadConsistency.LINEARIZABLE))
        .isInstanceOfSatisfying(
            UnavailableException.class,
            e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(hanging.calls("Lookup")).isEqualTo(1);
  }

  static StatusRuntimeException unavailable() {
    return Status.UNAVAILABLE.asRuntimeException();
  }
}
