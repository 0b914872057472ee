package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.api.v1.KeepAliveResponse;
import dev.tether.api.v1.NodeState;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node agent against fake daemons, with time stepped by hand: TTL 3 s, so KeepAlives go every
 * second and the default margin is 600 ms (fence 2.4 s after the last confirmed send).
 */
class NodeAgentTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FakeScheduler scheduler = new FakeScheduler(ticker);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Instant> drains = new CopyOnWriteArrayList<>();
  private final List<FakeMembership> fakes = new CopyOnWriteArrayList<>();
  private FakeMembership fake;
  private FakeDaemon daemon;
  private TetherClient client;
  private NodeAgent agent;

  @BeforeEach
  void startDaemon() {
    fake = new FakeMembership();
    fakes.add(fake);
    daemon = FakeDaemon.startInProcess(fake);
  }

  @AfterEach
  void stopAll() {
    if (agent != null) {
      agent.stop();
    }
    if (client != null) {
      client.close();
    }
    daemon.close();
  }

  private NodeAgent startAgent(String... endpoints) {
    client =
        TetherClient.builder()
            .endpoints(List.of(endpoints))
            .ticker(ticker)
            .channelFactory(FakeDaemon::inProcessChannels)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .randomSeed(5)
            .build();
    agent =
        client
            .nodeAgent("chat", "node-7", "10.1.0.7:8080")
            .weight(2)
            .zone("eu-west-1a")
            .onFence(() -> events.add("fence"))
            .onUnfence(() -> events.add("unfence after join " + fake.joins.get()))
            .onDrain(drains::add)
            .scheduler(scheduler)
            .start();
    settle();
    return agent;
  }

  /**
   * Checks that the agent has handled every KeepAlive answer the fake sent. The in-process
   * transport delivers answers synchronously, so this never has to wait.
   */
  private void settle() {
    int answered = fakes.stream().mapToInt(f -> f.answered.get()).sum();
    assertThat(agent.keepAliveResponses()).isEqualTo(answered);
  }

  private void step(Duration d) {
    scheduler.advance(d);
    settle();
  }

  @Test
  void renewsEveryThirdOfTheTtlAndNeverFencesWhileRenewalsFlow() {
    // Proves that a healthy lease is renewed about every TTL/3 and that the agent does not fence
    // over many TTLs while renewals are confirmed.
    startAgent(daemon.address());
    assertThat(agent.isFenced()).isFalse();

    for (int i = 0; i < 30; i++) {
      step(Duration.ofMillis(500));
      assertThat(agent.isFenced()).as("after %d ms", (i + 1) * 500).isFalse();
    }

    assertThat(events).isEmpty();
    assertThat(fake.joins.get()).isEqualTo(1);
    // Sends at 0, then 1666 ms (before the TTL was learned), then every 1000 ms up to 15 s.
    assertThat(fake.keepAlives.get()).isEqualTo(15);
    assertThat(agent.state()).isEqualTo(NodeState.NODE_STATE_ACTIVE);
  }

  @Test
  void fencesAtTtlMinusMarginWhenRenewalsStop() {
    // Proves that with no confirmation after the first send, the agent fences exactly at
    // send + TTL - margin (2400 ms), not a millisecond earlier, and calls onFence once.
    startAgent(daemon.address());
    fake.mode = FakeMembership.Mode.HOLD;

    step(Duration.ofMillis(2399));
    assertThat(agent.isFenced()).isFalse();
    step(Duration.ofMillis(1));
    assertThat(agent.isFenced()).isTrue();
    step(Duration.ofSeconds(5));

    assertThat(events).containsExactly("fence");
  }

  @Test
  void fenceIsMeasuredFromTheSendTimeOfTheConfirmedRequestNotItsArrival() {
    // Proves that a renewal whose answer arrives late counts from when its request was sent
    // (at 1666.7 ms: a third of the 5 s default TTL, before the TTL was learned), so the fence
    // comes at 1666.7 + 2400 ms, not 2400 ms after the answer arrived at 2000 ms.
    startAgent(daemon.address());
    fake.mode = FakeMembership.Mode.HOLD;
    step(Duration.ofMillis(2000));
    fake.release(FakeMembership.renewed(3000, NodeState.NODE_STATE_ACTIVE));
    settle();

    step(Duration.ofMillis(2066));
    assertThat(agent.isFenced()).as("at 4066 ms").isFalse();
    step(Duration.ofMillis(1));
    assertThat(agent.isFenced()).as("at 4067 ms").isTrue();
    assertThat(events).containsExactly("fence");
  }

  @Test
  void unfencesWhenRenewalsResume() {
    // Proves that after a fence, a confirmed renewal of a node that is still known lifts it and
    // calls onUnfence, without a new join.
    startAgent(daemon.address());
    fake.mode = FakeMembership.Mode.HOLD;
    step(Duration.ofMillis(2400));
    assertThat(agent.isFenced()).isTrue();

    fake.mode = FakeMembership.Mode.ANSWER;
    fake.release(FakeMembership.renewed(3000, NodeState.NODE_STATE_ACTIVE));
    settle();

    assertThat(agent.isFenced()).isFalse();
    assertThat(events).containsExactly("fence", "unfence after join 1");
  }

  @Test
  void rejoinsAfterDownAndOnlyThenUnfences() {
    // Proves that a DOWN answer fences at once, that the agent joins again, and that it unfences
    // only after that join succeeded.
    fake.answer =
        KeepAliveResponse.newBuilder()
            .setRenewed(false)
            .setState(NodeState.NODE_STATE_DOWN)
            .setReason("lease expired")
            .build();
    startAgent(daemon.address());
    assertThat(agent.isFenced()).isTrue();
    assertThat(events).containsExactly("fence");

    fake.answer = FakeMembership.renewed(3000, NodeState.NODE_STATE_ACTIVE);
    scheduler.runDue();
    settle();

    assertThat(fake.joins.get()).isEqualTo(2);
    assertThat(events).containsExactly("fence", "unfence after join 2");
    step(Duration.ofSeconds(10));
    assertThat(agent.isFenced()).isFalse();
  }

  @Test
  void notFoundOnTheStreamAlsoRejoins() {
    // Proves that a KeepAlive stream failing NOT_FOUND (the ring forgot the node) is handled like
    // DOWN: fence, join again, unfence.
    fake.mode = FakeMembership.Mode.FAIL;
    fake.failure = Status.NOT_FOUND.withDescription("node node-7 is not in the ring");
    startAgent(daemon.address());
    assertThat(agent.isFenced()).isTrue();

    fake.mode = FakeMembership.Mode.ANSWER;
    scheduler.runDue();
    settle();

    assertThat(fake.joins.get()).isEqualTo(2);
    assertThat(events).containsExactly("fence", "unfence after join 2");
  }

  @Test
  void drainCallbackFiresOncePerDrainWithItsDeadline() {
    // Proves that onDrain fires on the first DRAINING answer only, with the drain deadline, and
    // again for a later drain after the node was active in between.
    startAgent(daemon.address());
    Instant deadline = Instant.parse("2026-11-27T12:00:00Z");
    fake.answer =
        FakeMembership.renewed(3000, NodeState.NODE_STATE_DRAINING).toBuilder()
            .setDrainDeadlineMs(deadline.toEpochMilli())
            .build();
    step(Duration.ofSeconds(5));
    fake.answer = FakeMembership.renewed(3000, NodeState.NODE_STATE_ACTIVE);
    step(Duration.ofSeconds(2));
    fake.answer =
        FakeMembership.renewed(3000, NodeState.NODE_STATE_DRAINING).toBuilder()
            .setDrainDeadlineMs(deadline.toEpochMilli() + 1)
            .build();
    step(Duration.ofSeconds(3));

    assertThat(drains).containsExactly(deadline, deadline.plusMillis(1));
    assertThat(agent.isFenced()).isFalse();
  }

  @Test
  void leftNodeIsFencedForGoodAndStopsRenewing() {
    // Proves that when an operator removed the node (LEFT) the agent fences, does not rejoin and
    // sends no more KeepAlives.
    startAgent(daemon.address());
    fake.answer = KeepAliveResponse.newBuilder().setState(NodeState.NODE_STATE_LEFT).build();
    step(Duration.ofMillis(1700));
    int sent = fake.keepAlives.get();

    step(Duration.ofSeconds(30));

    assertThat(agent.isFenced()).isTrue();
    assertThat(fake.keepAlives.get()).isEqualTo(sent);
    assertThat(fake.joins.get()).isEqualTo(1);
    assertThat(events).containsExactly("fence");
  }

  @Test
  void streamFailureMovesToAnotherDaemonWithoutFencing() {
    // Proves that a KeepAlive stream that fails on one daemon is reopened on the next endpoint
    // after a backoff, in time to keep the lease.
    FakeMembership other = new FakeMembership();
    fakes.add(other);
    try (FakeDaemon second = FakeDaemon.startInProcess(other)) {
      startAgent(daemon.address(), second.address());
      fake.mode = FakeMembership.Mode.FAIL;
      fake.failure = Status.UNAVAILABLE.withDescription("shutting down");

      step(Duration.ofMillis(1667));
      assertThat(fake.keepAlives.get()).isEqualTo(2);
      // The backoff before reconnecting is at most 10 ms for the first failure.
      step(Duration.ofMillis(10));
      assertThat(other.answered.get()).isEqualTo(1);
      step(Duration.ofSeconds(6));

      assertThat(other.keepAlives.get()).isEqualTo(7);
      assertThat(agent.isFenced()).isFalse();
      assertThat(events).isEmpty();
    }
  }

  @Test
  void stopEndsTheStreamAndTheTimers() {
    // Proves that stop() half-closes the KeepAlive stream and that no KeepAlive follows.
    startAgent(daemon.address());
    agent.stop();
    int sent = fake.keepAlives.get();

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(fake.streamsEnded.get()).isEqualTo(1);
    assertThat(fake.keepAlives.get()).isEqualTo(sent);
    assertThat(agent.isFenced()).isTrue();
    agent = null;
  }

  @Test
  void stopFromACallbackOnTheAgentsOwnThreadReturnsAtOnce() throws Exception {
    // Proves, on the real agent thread and clock, that an application may stop the agent from
    // inside onFence without the agent waiting for itself.
    fake.answer = KeepAliveResponse.newBuilder().setState(NodeState.NODE_STATE_DOWN).build();
    java.util.concurrent.CompletableFuture<Long> stopped =
        new java.util.concurrent.CompletableFuture<>();
    client =
        TetherClient.builder()
            .endpoints(List.of(daemon.address()))
            .channelFactory(FakeDaemon::inProcessChannels)
            .build();
    NodeAgent[] self = new NodeAgent[1];
    self[0] =
        client
            .nodeAgent("chat", "node-8", "10.1.0.8:8080")
            .onFence(
                () -> {
                  long start = System.nanoTime();
                  while (self[0] == null) {
                    Thread.onSpinWait();
                  }
                  self[0].stop();
                  stopped.complete(System.nanoTime() - start);
                })
            .start();

    long tookNanos = stopped.get(10, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(tookNanos)).isLessThan(Duration.ofSeconds(2));
    assertThat(self[0].isFenced()).isTrue();
    assertThat(fake.joins.get()).isEqualTo(1);
  }
}
