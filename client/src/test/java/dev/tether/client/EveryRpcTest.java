package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.api.v1.AddDaemonRequest;
import dev.tether.api.v1.BatchLookupRequest;
import dev.tether.api.v1.BatchLookupResponse;
import dev.tether.api.v1.BatchOpenRequest;
import dev.tether.api.v1.CloseRequest;
import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.CreateRingRequest;
import dev.tether.api.v1.DrainRequest;
import dev.tether.api.v1.GetNodeRequest;
import dev.tether.api.v1.GetRingRequest;
import dev.tether.api.v1.GetStateRequest;
import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.ListSessionsRequest;
import dev.tether.api.v1.ListSessionsResponse;
import dev.tether.api.v1.OpenItem;
import dev.tether.api.v1.OwnerAnswer;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.PutStateRequest;
import dev.tether.api.v1.PutStateResponse;
import dev.tether.api.v1.Session;
import dev.tether.api.v1.SetWeightRequest;
import dev.tether.api.v1.SimulateRequest;
import dev.tether.api.v1.SnapshotResponse;
import dev.tether.api.v1.TouchRequest;
import dev.tether.api.v1.TransferLeadershipRequest;
import dev.tether.api.v1.TransferLeadershipResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EveryRpcTest {
  private static RecordingDaemon current;
  private static RecordingDaemon leader;
  private static TetherClient client;

  @BeforeAll
  static void start() {
    current = new RecordingDaemon();
    leader = new RecordingDaemon();
    client = TetherClient.builder().endpoints(List.of(current.address())).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    current.close();
    leader.close();
  }

  /** Runs {@code call} with every group's leader hinted at {@code leader}; returns who got it. */
  private static String route(String group, Consumer<TetherClient> call) {
    client.endpoints().hint(group, leader.address());
    int before = leader.requests.size();
    call.accept(client);
    return leader.requests.size() > before ? "leader" : "current";
  }

  @Test
  void readsGoToTheCurrentEndpointAndWritesToTheLeaderWithTheirFields() {
    // Proves that each client method calls its RPC with the caller's arguments, and that reads
    // stay on the current endpoint while writes follow the group's leader hint.
    assertThat(route("r", c -> c.lookup("r", "s1", ReadConsistency.STALE))).isEqualTo("current");
    assertThat(route("r", c -> c.getState("r", "s1", ReadConsistency.LINEARIZABLE)))
        .isEqualTo("current");
    assertThat(current.last(GetStateRequest.class).getConsistency())
        .isEqualTo(Consistency.CONSISTENCY_LINEARIZABLE);
    assertThat(route("r", c -> c.getNode("r", "n1", ReadConsistency.STALE))).isEqualTo("current");
    assertThat(current.last(GetNodeRequest.class).getNodeId()).isEqualTo("n1");
    assertThat(route("r", c -> c.listNodes("r", ReadConsistency.STALE))).isEqualTo("current");
    assertThat(route("", TetherClient::status)).isEqualTo("current");
    assertThat(route("", TetherClient::listRings)).isEqualTo("current");
    assertThat(route("r", c -> c.getRing("r", ReadConsistency.STALE))).isEqualTo("current");
    assertThat(current.last(GetRingRequest.class).getName()).isEqualTo("r");
    assertThat(
            route(
                "r",
                c -> c.simulate(SimulateRequest.newBuilder().setRing("r").setDrain("n1").build())))
        .isEqualTo("current");

    assertThat(route("r", c -> c.openSession("r", "s1"))).isEqualTo("leader");
    assertThat(
            route(
                "r",
                c ->
                    c.batchOpen(
                        BatchOpenRequest.newBuilder()
                            .setRing("r")
                            .addItems(OpenItem.newBuilder().setSessionId("b1"))
                            .build())))
        .isEqualTo("leader");
    assertThat(leader.last(BatchOpenRequest.class).getItems(0).getSessionId()).isEqualTo("b1");
    assertThat(route("r", c -> c.closeSession("r", "s1", 9))).isEqualTo("leader");
    assertThat(leader.last(CloseRequest.class).getFencingToken()).isEqualTo(9);
    assertThat(route("r", c -> c.touchSessions("r", List.of("a", "b")))).isEqualTo("leader");
    assertThat(leader.last(TouchRequest.class).getSessionIdsList()).containsExactly("a", "b");
    assertThat(route("r", c -> c.putState("r", "s1", 4, 2, new byte[] {1, 2}))).isEqualTo("leader");
    PutStateRequest put = leader.last(PutStateRequest.class);
    assertThat(put.getFencingToken()).isEqualTo(4);
    assertThat(put.getExpectedVersion()).isEqualTo(2);
    assertThat(put.getData().toByteArray()).containsExactly(1, 2);
    assertThat(
            route("r", c -> c.join(JoinRequest.newBuilder().setRing("r").setNodeId("n1").build())))
        .isEqualTo("leader");
    assertThat(route("r", c -> c.drain("r", "n1", Duration.ofSeconds(30)))).isEqualTo("leader");
    assertThat(leader.last(DrainRequest.class).getDeadlineMs()).isEqualTo(30_000);
    assertThat(route("r", c -> c.drain("r", "n1"))).isEqualTo("leader");
    assertThat(leader.last(DrainRequest.class).hasDeadlineMs()).isFalse();
    assertThat(route("r", c -> c.leave("r", "n1"))).isEqualTo("leader");
    assertThat(route("r", c -> c.setWeight("r", "n1", 5))).isEqualTo("leader");
    assertThat(leader.last(SetWeightRequest.class).getWeight()).isEqualTo(5);
    Policy policy = Policy.newBuilder().setLeaseTtlMs(2000).build();
    assertThat(route("", c -> c.createRing("r2", policy))).isEqualTo("leader");
    assertThat(leader.last(CreateRingRequest.class).getPolicy()).isEqualTo(policy);
    assertThat(route("", c -> c.updatePolicy("r2", policy))).isEqualTo("leader");
    assertThat(route("", c -> c.deleteRing("r2"))).isEqualTo("leader");
    assertThat(route("r", c -> c.transferLeadership("r", "d2"))).isEqualTo("leader");
    assertThat(leader.last(TransferLeadershipRequest.class).getTarget()).isEqualTo("d2");
    assertThat(route("", c -> c.addDaemon(AddDaemonRequest.newBuilder().setId("d4").build())))
        .isEqualTo("leader");
    assertThat(route("", c -> c.removeDaemon("d4"))).isEqualTo("leader");
    assertThat(route("r", c -> c.snapshot("r"))).isEqualTo("leader");
  }

  @Test
  void singleFieldResponsesAreUnwrapped() {
    // Proves the unwrapping of single-field responses and the request order of batch lookups.
    leader.answer("PutState", PutStateResponse.newBuilder().setVersion(3).build());
    leader.answer("Snapshot", SnapshotResponse.newBuilder().setIndex(77).build());
    leader.answer(
        "TransferLeadership", TransferLeadershipResponse.newBuilder().setLeader("d2").build());
    current.answer(
        "BatchLookup",
        BatchLookupResponse.newBuilder()
            .addAnswers(OwnerAnswer.newBuilder().setSessionId("x"))
            .addAnswers(OwnerAnswer.newBuilder().setSessionId("y"))
            .build());
    client.endpoints().hint("r", leader.address());

    assertThat(client.putState("r", "s", 1, 2, new byte[0])).isEqualTo(3);
    assertThat(client.snapshot("r")).isEqualTo(77);
    assertThat(client.transferLeadership("r", "")).isEqualTo("d2");
    assertThat(client.batchLookup("r", List.of("x", "y"), ReadConsistency.STALE))
        .extracting(LookupResult::sessionId)
        .containsExactly("x", "y");
    assertThat(current.last(BatchLookupRequest.class).getSessionIdsList())
        .containsExactly("x", "y");
  }

  @Test
  void sessionIteratorFollowsPageTokensUntilTheLastPage() {
    // Proves that listSessions fetches pages lazily with the previous page's token, skips an
    // empty page that is not the last, and stops at the first page without a token.
    RecordingDaemon pages = new RecordingDaemon();
    try (pages;
        TetherClient c = TetherClient.builder().endpoints(List.of(pages.address())).build()) {
      pages.answer(
          "ListSessions",
          ListSessionsResponse.newBuilder()
              .addSessions(Session.newBuilder().setId("a"))
              .setNextPageToken("t1")
              .build(),
          ListSessionsResponse.newBuilder().setNextPageToken("t2").build(),
          ListSessionsResponse.newBuilder()
              .addSessions(Session.newBuilder().setId("b"))
              .addSessions(Session.newBuilder().setId("c"))
              .build());
      Iterator<Session> it = c.listSessions("r", "n1", ReadConsistency.STALE);
      assertThat(it.next().getId()).isEqualTo("a");
      assertThat(pages.last(ListSessionsRequest.class).getPageSize()).isEqualTo(1000);
      assertThat(pages.last(ListSessionsRequest.class).getOwner()).isEqualTo("n1");

      List<String> seen = new ArrayList<>();
      it.forEachRemaining(s -> seen.add(s.getId()));

      assertThat(seen).containsExactly("b", "c");
      assertThat(pages.last(ListSessionsRequest.class).getPageToken()).isEqualTo("t2");
      assertThat(pages.server.calls("ListSessions")).isEqualTo(3);
    }
  }
}
