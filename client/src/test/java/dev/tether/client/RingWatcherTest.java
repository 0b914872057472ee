package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.api.v1.Node;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.RingUpdate;
import dev.tether.api.v1.SlotMove;
import dev.tether.api.v1.WatchRingRequest;
import dev.tether.ring.Member;
import dev.tether.ring.Membership;
import dev.tether.ring.SlotTable;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RingWatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Hands each WatchRing subscription to the test, which sends the updates. */
  static final class Watches extends OwnerServiceGrpc.OwnerServiceImplBase {
    final LinkedBlockingQueue<ServerCallStreamObserver<RingUpdate>> subscriptions =
        new LinkedBlockingQueue<>();
    final CopyOnWriteArrayList<String> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public void watchRing(WatchRingRequest request, StreamObserver<RingUpdate> out) {
      ServerCallStreamObserver<RingUpdate> stream = (ServerCallStreamObserver<RingUpdate>) out;
      stream.setOnCancelHandler(() -> cancelled.add(request.getRing()));
      subscriptions.add(stream);
    }

    ServerCallStreamObserver<RingUpdate> next() throws InterruptedException {
      ServerCallStreamObserver<RingUpdate> s = subscriptions.poll(10, TimeUnit.SECONDS);
      assertThat(s).as("a WatchRing subscription").isNotNull();
      return s;
    }
  }

  private Watches watches;
  private FakeDaemon daemon;
  private TetherClient client;

  @BeforeEach
  void start() {
    watches = new Watches();
    daemon = FakeDaemon.start(watches);
    client =
        TetherClient.builder()
            .endpoints(List.of(FakeDaemon.deadAddress(), daemon.address()))
            .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
            .randomSeed(3)
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    daemon.close();
  }

  @Test
  void answersLikeThePlacementBuiltFromTheSameMembershipHistory() throws Exception {
    // Proves that a watcher fed a full update and then incremental slot moves over a real stream
    // answers every unpinned session exactly like SlotTable.build/next over the same history, and
    // tells its listeners each epoch in order. The first endpoint is down, so it also fails over.
    RingWatcher watcher = client.watchRing("r");
    List<Long> epochs = new CopyOnWriteArrayList<>();
    watcher.addListener(epochs::add);
    ServerCallStreamObserver<RingUpdate> stream = watches.next();

    SplittableRandom rnd = new SplittableRandom(11);
    Membership m =
        Membership.of(new Member("n1", 1000), new Member("n2", 2000), new Member("n3", 1000));
    SlotTable table = SlotTable.build(m);
    stream.onNext(RingHistory.full(10, RingHistory.nodes(m, RingHistory.outsiders()), table));
    assertThat(watcher.awaitReady(WAIT)).isTrue();
    for (long epoch = 11; epoch <= 14; epoch++) {
      Membership next = RingHistory.change(rnd, m);
      SlotTable nextTable = table.next(next);
      stream.onNext(
          RingHistory.incremental(epoch, RingHistory.nodes(next, List.of()), table, nextTable));
      m = next;
      table = nextTable;
    }
    await().atMost(WAIT).until(() -> watcher.epoch() == 14);

    List<String> wrong = new ArrayList<>();
    for (String id : RingHistory.sessionIds(rnd, 2000)) {
      if (!watcher.ownerOf(id).map(Node::getId).orElse("none").equals(table.ownerOf(id))) {
        wrong.add(id);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(epochs).containsExactly(10L, 11L, 12L, 13L, 14L);
    assertThat(((SlotTable) watcher.placement().orElseThrow()).encode()).isEqualTo(table.encode());
    assertThat(watcher.nodes())
        .extracting(Node::getId)
        .doesNotContainAnyElementsOf(List.of("zz-down"));
    assertThat(watcher.isConnected()).isTrue();
  }

  @Test
  void resubscribesAfterAStreamErrorAndKeepsAnsweringMeanwhile() throws Exception {
    // Proves that a failed stream is resubscribed after a backoff, that the last view keeps
    // answering while disconnected, and that the new stream's full update replaces it.
    RingWatcher watcher = client.watchRing("r");
    Membership m = Membership.of(new Member("n1", 1000));
    ServerCallStreamObserver<RingUpdate> first = watches.next();
    first.onNext(RingHistory.full(5, RingHistory.nodes(m, List.of()), SlotTable.build(m)));
    assertThat(watcher.awaitReady(WAIT)).isTrue();

    first.onError(Status.UNAVAILABLE.withDescription("daemon restarting").asRuntimeException());
    await().atMost(WAIT).until(() -> !watcher.isConnected());
    assertThat(watcher.ownerOf("s1").map(Node::getId)).contains("n1");

    ServerCallStreamObserver<RingUpdate> second = watches.next();
    Membership m2 = Membership.of(new Member("n2", 1000));
    second.onNext(RingHistory.full(9, RingHistory.nodes(m2, List.of()), SlotTable.build(m2)));
    await().atMost(WAIT).until(() -> watcher.epoch() == 9);

    assertThat(watcher.ownerOf("s1").map(Node::getId)).contains("n2");
    assertThat(daemon.calls("WatchRing")).isEqualTo(2);
  }

  @Test
  void inconsistentUpdateDropsThePlacementAndResubscribesForAFullOne() throws Exception {
    // Proves that an update that does not decode leaves the watcher with no answer rather than a
    // wrong one, cancels that stream, and that the next subscription restores the view.
    RingWatcher watcher = client.watchRing("r");
    Membership m = Membership.of(new Member("n1", 1000), new Member("n2", 1000));
    List<Node> nodes = RingHistory.nodes(m, List.of());
    ServerCallStreamObserver<RingUpdate> first = watches.next();
    first.onNext(RingHistory.full(5, nodes, SlotTable.build(m)));
    assertThat(watcher.awaitReady(WAIT)).isTrue();

    first.onNext(
        RingUpdate.newBuilder()
            .setEpoch(6)
            .addAllNodes(nodes)
            .addSlotMoves(SlotMove.newBuilder().setSlot(7).setOwner("ghost"))
            .build());
    ServerCallStreamObserver<RingUpdate> second = watches.next();

    assertThat(watcher.isReady()).isFalse();
    assertThat(watcher.ownerOf("s1")).isEmpty();
    await().atMost(WAIT).until(() -> watches.cancelled.contains("r"));
    second.onNext(RingHistory.full(6, nodes, SlotTable.build(m)));
    assertThat(watcher.awaitReady(WAIT)).isTrue();
    assertThat(watcher.epoch()).isEqualTo(6);
  }

  @Test
  void closeCancelsTheStreamAndStopsResubscribing() throws Exception {
    // Proves that close() ends the server-side stream and that no new subscription follows.
    RingWatcher watcher = client.watchRing("r");
    watches.next();

    watcher.close();

    await().atMost(WAIT).until(() -> watches.cancelled.contains("r"));
    assertThat(watches.subscriptions.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(watcher.awaitReady(Duration.ofMillis(10))).isFalse();
  }
}
