package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that talks to a region, against one three-daemon region in this JVM, in the order
 * an operator would use them: their table and JSON output, and the exit codes of a missing ring or
 * session (3), of a non-authoritative answer (4) and of a stale version or fencing token (5).
 *
 * <p>Ring {@code chat} starts with a one-hour lease, so nodes joined without an agent stay ACTIVE;
 * later its lease drops to two seconds, to see an agent keep its node and a node without one go
 * DOWN. The last group stops two daemons, so it runs last.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class RegionCommandsTest {
  @TempDir static Path tmp;
  static TestRegion region;

  @BeforeAll
  static void start() throws Exception {
    region = TestRegion.start(tmp.resolve("region"), 18100, "chat", "--lease-ttl", "1h");
  }

  @AfterAll
  static void stop() {
    if (region != null) {
      region.close();
    }
  }

  @Nested
  @Order(1)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class Rings {
    @Test
    @Order(1)
    void areListedShownAndCreatedOnce() {
      assertThat(names(region.json("ring", "list").get("rings"), "name")).contains("chat");
      assertThat(region.run("ring", "list").out())
          .containsPattern("(?m)^chat\\s+slot-table\\s+\\d+");
      JsonNode shown = region.json("ring", "show", "chat");
      assertThat(shown.get("ring").get("name").asText()).isEqualTo("chat");
      assertThat(shown.get("ring").get("policy").get("lease_ttl_ms").asText()).isEqualTo("3600000");

      Run again = region.run("ring", "create", "chat");
      assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.ERROR);
      assertThat(again.err()).contains("ALREADY_EXISTS");
      assertThat(again.out()).isEmpty();
    }

    @Test
    @Order(2)
    void policyChangesOnlyTheFieldsGiven() {
      JsonNode changed =
          region.json("ring", "policy", "chat", "--balance", "1.5", "--rehome-rate", "5000");
      assertThat(changed.get("policy").get("balance_factor").asDouble()).isEqualTo(1.5);
      assertThat(changed.get("policy").get("rehome_per_second").asInt()).isEqualTo(5000);
      assertThat(changed.get("policy").get("lease_ttl_ms").asText()).isEqualTo("3600000");
      // `ring show` answers from whichever daemon it reaches; a follower's copy of the region
      // catalog learns the commit with the leader's next heartbeat.
      Awaitility.await("every daemon shows the new policy")
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(region.run("ring", "show", "chat").out())
                      .contains(
                          "balance factor:   1.500",
                          "rehome rate:      5000/s",
                          "lease ttl:        1h"));
    }

    @Test
    @Order(3)
    void anUnknownRingSessionOrNodeIsNotFound() {
      for (String[] args :
          List.of(
              new String[] {"ring", "show", "nope"},
              new String[] {"node", "list", "--ring", "nope"},
              new String[] {"owner", "s", "--ring", "nope"},
              new String[] {"session", "get", "never-opened", "--ring", "chat"},
              new String[] {"node", "get", "nobody", "--ring", "chat"})) {
        Run run = region.run(args);
        assertThat(run.exitCode())
            .as("%s: %s", List.of(args), run.err())
            .isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("NOT_FOUND");
        assertThat(run.out()).isEmpty();
      }
    }
  }

  @Nested
  @Order(2)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class Nodes {
    @Test
    @Order(1)
    void joinAreListedAndWeighed() {
      JsonNode joined =
          region.json(
              "node",
              "join",
              "n1",
              "--ring",
              "chat",
              "--address",
              "127.0.0.1:9101",
              "--zone",
              "z1",
              "--label",
              "tier=gold");
      assertThat(joined.get("node").get("state").asText()).isEqualTo("NODE_STATE_ACTIVE");
      assertThat(joined.get("node").get("labels").get("tier").asText()).isEqualTo("gold");
      Run second =
          region.run("node", "join", "n2", "--ring", "chat", "--address", "127.0.0.1:9102");
      assertThat(second.exitCode()).as(second.err()).isEqualTo(ExitCodes.OK);
      assertThat(second.out()).contains("node n2 is ACTIVE in ring chat");

      JsonNode listed = region.json("node", "list", "--ring", "chat");
      assertThat(names(listed.get("nodes"), "id")).containsExactly("n1", "n2");
      assertThat(listed.get("authoritative").asBoolean()).isTrue();
      assertThat(region.run("node", "get", "n1", "--ring", "chat").out())
          .contains(
              "zone:             z1", "labels:           tier=gold", "authoritative:    true");

      JsonNode weighed = region.json("node", "weight", "n2", "2", "--ring", "chat");
      assertThat(weighed.get("node").get("weight").asInt()).isEqualTo(2);
      assertThat(region.run("node", "list", "--ring", "chat", "--consistency", "stale").out())
          .contains("NOT AUTHORITATIVE")
          .containsPattern("(?m)^n2\\s+127\\.0\\.0\\.1:9102\\s+ACTIVE\\s+2\\s");
    }

    @Test
    @Order(2)
    void simulateShowsWhatAChangeWouldMoveAndChangesNothing() {
      JsonNode sim =
          region.json("ring", "simulate", "chat", "--join", "n3:3", "--sessions", "a,b,c,d,e,f");
      assertThat(sim.get("change").asText()).contains("n3");
      assertThat(sim.get("moved_slots").asInt()).isPositive();
      assertThat(names(sim.get("load"), "node_id")).contains("n1", "n2", "n3");
      assertThat(region.run("ring", "simulate", "chat", "--drain", "n1").out())
          .contains("moved slots:", "FROM", "SHARE BEFORE", "n1");
      assertThat(region.json("node", "list", "--ring", "chat").get("nodes")).hasSize(2);
    }
  }

  @Nested
  @Order(3)
  class Sessions {
    @Test
    void openTakeStateAndCloseFencedByTheirToken() throws Exception {
      JsonNode opened = region.json("session", "open", "s-1", "--ring", "chat");
      assertThat(opened.get("created").asBoolean()).isTrue();
      String owner = opened.get("session").get("owner").get("id").asText();
      assertThat(owner).isIn("n1", "n2");
      long token = opened.get("session").get("fencing_token").asLong();
      String t = Long.toString(token);
      String wrong = Long.toString(token + 1);

      assertThat(put("s-1", t, "0", "hello").get("version").asLong()).isEqualTo(1);
      Run staleVersion = region.run(putArgs("s-1", t, "0", "x"));
      assertThat(staleVersion.exitCode()).isEqualTo(ExitCodes.CONFLICT);
      assertThat(staleVersion.err()).contains("VERSION_MISMATCH");
      Run staleToken = region.run(putArgs("s-1", wrong, "1", "x"));
      assertThat(staleToken.exitCode()).isEqualTo(ExitCodes.CONFLICT);
      assertThat(staleToken.err()).contains("STALE_FENCING_TOKEN");
      assertThat(region.run("session", "get", "s-1", "--ring", "chat").out())
          .contains("state:          hello", "state version:  1");

      Path file = Files.write(tmp.resolve("state.bin"), new byte[] {0, 1, 2, (byte) 255});
      assertThat(put("s-1", t, "1", "@" + file).get("version").asLong()).isEqualTo(2);
      assertThat(region.run("session", "get", "s-1", "--ring", "chat").out())
          .contains("base64:AAEC/w==");
      JsonNode got = region.json("session", "get", "s-1", "--ring", "chat");
      assertThat(got.get("data").asText()).isEqualTo("AAEC/w==");
      assertThat(got.get("session").get("state_version").asLong()).isEqualTo(2);

      Run second = region.run("session", "open", "s-2", "--ring", "chat", "--hint", "n2");
      assertThat(second.exitCode()).as(second.err()).isEqualTo(ExitCodes.OK);
      assertThat(names(region.json("session", "list", "--ring", "chat").get("sessions"), "id"))
          .containsExactly("s-1", "s-2");
      JsonNode owned = region.json("session", "list", "--ring", "chat", "--owner", owner);
      assertThat(names(owned.get("sessions"), "id")).contains("s-1");
      assertThat(region.run("session", "list", "--ring", "chat", "--limit", "1").out())
          .contains("s-1", "more sessions")
          .doesNotContain("s-2");

      Run wrongClose = region.run("session", "close", "s-1", "--ring", "chat", "--token", wrong);
      assertThat(wrongClose.exitCode()).isEqualTo(ExitCodes.CONFLICT);
      Run close = region.run("session", "close", "s-1", "--ring", "chat", "--token", t);
      assertThat(close.exitCode()).as(close.err()).isEqualTo(ExitCodes.OK);
      assertThat(region.run("session", "get", "s-1", "--ring", "chat").exitCode())
          .isEqualTo(ExitCodes.NOT_FOUND);
    }

    private String[] putArgs(String id, String token, String version, String data) {
      return new String[] {
        "session",
        "put",
        id,
        "--ring",
        "chat",
        "--token",
        token,
        "--version",
        version,
        "--data",
        data
      };
    }

    private JsonNode put(String id, String token, String version, String data) {
      return region.json(putArgs(id, token, version, data));
    }
  }

  @Nested
  @Order(4)
  class Owners {
    @Test
    void anAnswerIsAuthoritativeOrFlaggedStale() {
      JsonNode answer = region.json("owner", "s-2", "--ring", "chat");
      assertThat(answer.get("authoritative").asBoolean()).isTrue();
      assertThat(answer.get("pinned").asBoolean()).isTrue();
      assertThat(answer.get("owner").get("id").asText()).isIn("n1", "n2");
      assertThat(answer.get("fencing_token").asLong()).isPositive();
      assertThat(region.run("owner", "s-2", "--ring", "chat").out())
          .contains("authoritative:  true", "pending rehome: false")
          .doesNotContain("NOT");

      Run stale = region.run("owner", "s-2", "--ring", "chat", "--consistency", "stale");
      assertThat(stale.exitCode()).as(stale.err()).isEqualTo(ExitCodes.OK);
      assertThat(stale.out())
          .startsWith("NOT AUTHORITATIVE")
          .contains("authoritative:           false", "ms since leader contact:", "other daemons:");
      JsonNode staleJson = region.json("owner", "s-2", "--ring", "chat", "--consistency", "stale");
      assertThat(staleJson.get("authoritative").asBoolean()).isFalse();
      assertThat(staleJson.get("staleness").get("other_daemons")).hasSize(2);

      JsonNode unpinned = region.json("owner", "never-opened", "--ring", "chat");
      assertThat(unpinned.get("pinned").asBoolean()).isFalse();
    }
  }

  @Nested
  @Order(5)
  class Cluster {
    @Test
    void statusSnapshotAndLeadership() {
      JsonNode status = region.json("cluster", "status");
      assertThat(names(status.get("groups"), "name")).contains("region", "chat");
      assertThat(names(status.get("daemons"), "id")).containsExactly("d1", "d2", "d3");
      assertThat(region.run("cluster", "status").out())
          .contains("GROUP", "LEADER CONTACT MS", "DAEMON")
          .containsPattern("(?m)^chat\\s+(LEADER|FOLLOWER)\\s+d\\d");
      JsonNode snapshot = region.json("cluster", "snapshot", "--group", "chat");
      assertThat(snapshot.get("index").asLong()).isPositive();
      assertThat(region.run("cluster", "snapshot").out()).contains("group region snapshotted at");
      Run transfer = region.run("cluster", "transfer-leader", "--group", "chat", "--to", "d3");
      assertThat(transfer.exitCode()).as(transfer.err()).isEqualTo(ExitCodes.OK);
      assertThat(transfer.out()).contains("group chat is led by d3");
    }
  }

  @Nested
  @Order(6)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class Drains {
    @Test
    @Order(1)
    void drainWaitsUntilTheNodeHasNoSessionsLeft() {
      for (int i = 0; i < 4; i++) {
        Run open = region.run("session", "open", "d-" + i, "--ring", "chat", "--hint", "n1");
        assertThat(open.exitCode()).as(open.err()).isEqualTo(ExitCodes.OK);
      }
      JsonNode n1 = region.json("node", "get", "n1", "--ring", "chat").get("node");
      assertThat(n1.get("session_count").asLong()).isPositive();

      Run drain =
          region.run(
              "node",
              "drain",
              "n1",
              "--ring",
              "chat",
              "--deadline",
              "0s",
              "--wait",
              "--wait-timeout",
              "60s");
      assertThat(drain.exitCode()).as(drain.err()).isEqualTo(ExitCodes.OK);
      assertThat(drain.out()).contains("node n1 is DRAINING", "node n1 has no sessions left");
      assertThat(drain.err()).contains("] 0 sessions left");
      JsonNode after = region.json("node", "get", "n1", "--ring", "chat").get("node");
      assertThat(after.get("state").asText()).isEqualTo("NODE_STATE_DRAINING");
      assertThat(after.get("session_count").asLong()).isZero();
      JsonNode moved = region.json("owner", "d-0", "--ring", "chat");
      assertThat(moved.get("owner").get("id").asText()).isEqualTo("n2");
    }

    @Test
    @Order(2)
    void aNodeLeavesAndARingIsDeleted() {
      JsonNode left = region.json("node", "leave", "n1", "--ring", "chat");
      assertThat(left.get("node").get("state").asText()).isEqualTo("NODE_STATE_LEFT");
      Awaitility.await("n1's record deleted")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  region.run("node", "get", "n1", "--ring", "chat").exitCode()
                      == ExitCodes.NOT_FOUND);

      // On a loaded machine the new ring's group may elect its leader after create's deadline
      // (exit 4, "will be initialised by its leader"); a retry then finds it.
      Awaitility.await("ring scratch created")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Run create = region.run("ring", "create", "scratch");
                return create.exitCode() == ExitCodes.OK || create.err().contains("ALREADY_EXISTS");
              });
      Awaitility.await("ring scratch initialised")
          .atMost(Duration.ofSeconds(60))
          .until(() -> region.run("node", "list", "--ring", "scratch").exitCode() == ExitCodes.OK);
      Run delete = region.run("ring", "delete", "scratch");
      assertThat(delete.exitCode()).as(delete.err()).isEqualTo(ExitCodes.OK);
      assertThat(delete.out()).contains("ring scratch deleted");
      Awaitility.await("ring scratch gone")
          .atMost(Duration.ofSeconds(60))
          .until(() -> region.run("ring", "show", "scratch").exitCode() == ExitCodes.NOT_FOUND);
      Run unknown = region.run("ring", "delete", "nope");
      assertThat(unknown.exitCode()).as(unknown.err()).isEqualTo(ExitCodes.NOT_FOUND);
    }
  }

  @Nested
  @Order(7)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class Leases {
    /** The lease of ring {@code chat} from here on: short, so expiry shows within the test. */
    static final String LEASE = "2s";

    @Test
    @Order(1)
    void aShortLeaseIsSetThroughThePolicy() {
      Run policy = region.run("ring", "policy", "chat", "--lease-ttl", LEASE);
      assertThat(policy.exitCode()).as(policy.err()).isIn(ExitCodes.OK, ExitCodes.UNAVAILABLE);
      // UNAVAILABLE may still have applied it (see the report on UpdatePolicy's second write).
      Awaitility.await("the lease is " + LEASE)
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  region
                      .json("ring", "show", "chat")
                      .get("ring")
                      .get("policy")
                      .get("lease_ttl_ms")
                      .asText()
                      .equals("2000"));
    }

    @Test
    @Order(2)
    void ringWatchPrintsTheRingThenEachUpdate() {
      // The join, the weight and w1 going DOWN (it has no agent) are three updates at least;
      // an update already on its way when the watch subscribed may come first.
      Run.Running table = region.start("ring", "watch", "chat", "--count", "3");
      Run.Running json = region.start("ring", "watch", "chat", "--count", "3", "--output", "json");
      Awaitility.await("both watches print the ring")
          .atMost(Duration.ofSeconds(60))
          .until(() -> table.out().contains("ring chat at epoch") && !json.out().isEmpty());
      Run join = region.run("node", "join", "w1", "--ring", "chat", "--address", "127.0.0.1:9201");
      assertThat(join.exitCode()).as(join.err()).isEqualTo(ExitCodes.OK);
      Run weight = region.run("node", "weight", "w1", "3", "--ring", "chat");
      assertThat(weight.exitCode()).as(weight.err()).isEqualTo(ExitCodes.OK);

      Run watched = table.await(Duration.ofSeconds(60));
      assertThat(watched.exitCode()).as(watched.err()).isEqualTo(ExitCodes.OK);
      assertThat(watched.out()).contains("w1 +ACTIVE", "slots moved");
      Run lines = json.await(Duration.ofSeconds(60));
      assertThat(lines.exitCode()).as(lines.err()).isEqualTo(ExitCodes.OK);
      List<JsonNode> objects = lines.out().lines().map(TestRegion::parse).toList();
      assertThat(objects).hasSize(4);
      assertThat(objects.get(0).get("full").asBoolean()).isTrue();
      List<JsonNode> updates = objects.subList(1, 4);
      assertThat(updates).allMatch(u -> !u.get("full").asBoolean());
      assertThat(updates).anyMatch(u -> names(u.get("nodes"), "id").contains("w1"));
      // Whether slots move depends on where w1's warm-up is when its weight changes and its lease
      // ends; every update says how many did.
      assertThat(updates).allMatch(u -> u.has("slot_moves") && u.get("slot_moves").asInt() >= 0);
    }

    @Test
    @Order(3)
    void anAgentKeepsItsNodeActiveAndANodeWithoutOneGoesDown() {
      Run.Running agent =
          region.start(
              "node",
              "agent",
              "kept",
              "--ring",
              "chat",
              "--address",
              "127.0.0.1:9202",
              "--duration",
              "8s");
      Run lonely =
          region.run("node", "join", "lonely", "--ring", "chat", "--address", "127.0.0.1:9203");
      assertThat(lonely.exitCode()).as(lonely.err()).isEqualTo(ExitCodes.OK);
      Awaitility.await("the agent joined")
          .atMost(Duration.ofSeconds(30))
          .until(() -> agent.out().contains("kept joined"));
      // Longer than the lease: only renewals keep the node ACTIVE.
      Awaitility.await("kept stays ACTIVE")
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(8))
          .until(() -> state("kept").equals("NODE_STATE_ACTIVE"));
      Awaitility.await("lonely goes DOWN")
          .atMost(Duration.ofSeconds(30))
          .until(() -> state("lonely").equals("NODE_STATE_DOWN"));

      Run ran = agent.await(Duration.ofSeconds(60));
      assertThat(ran.exitCode()).as(ran.err()).isEqualTo(ExitCodes.OK);
      assertThat(ran.out()).contains("kept joined: ring chat as ACTIVE", "kept stopped");
      Awaitility.await("kept goes DOWN once its agent stopped")
          .atMost(Duration.ofSeconds(30))
          .until(() -> state("kept").equals("NODE_STATE_DOWN"));
    }

    @Test
    @Order(4)
    void anAgentPrintsItsDrainAsJsonLines() {
      Run.Running agent =
          region.start(
              "node",
              "agent",
              "drained",
              "--ring",
              "chat",
              "--address",
              "127.0.0.1:9204",
              "--duration",
              "6s",
              "--output",
              "json");
      Awaitility.await("the agent joined")
          .atMost(Duration.ofSeconds(30))
          .until(() -> agent.out().contains("\"event\":\"joined\""));
      Run drain = region.run("node", "drain", "drained", "--ring", "chat", "--deadline", "1h");
      assertThat(drain.exitCode()).as(drain.err()).isEqualTo(ExitCodes.OK);
      Run ran = agent.await(Duration.ofSeconds(60));
      assertThat(ran.exitCode()).as(ran.err()).isEqualTo(ExitCodes.OK);
      List<String> events = new ArrayList<>();
      ran.out().lines().forEach(line -> events.add(TestRegion.parse(line).get("event").asText()));
      assertThat(events).startsWith("joined").contains("draining").endsWith("stopped");
    }

    private String state(String node) {
      return region.json("node", "get", node, "--ring", "chat").get("node").get("state").asText();
    }
  }

  @Nested
  @Order(8)
  class Minority {
    @Test
    void aDaemonWithoutAMajorityAnswersStaleFlaggedAndLinearizableNotAtAll() {
      Run opened = region.run("session", "open", "m-1", "--ring", "chat");
      assertThat(opened.exitCode()).as(opened.err()).isEqualTo(ExitCodes.OK);
      region.region().stop(2);
      region.region().stop(3);
      String d1 = region.region().apiAddresses().get(0);

      Run stale =
          Run.of("owner", "m-1", "--ring", "chat", "--consistency", "stale", "--endpoints", d1);
      assertThat(stale.exitCode()).as(stale.err()).isEqualTo(ExitCodes.OK);
      assertThat(stale.out())
          .startsWith("NOT AUTHORITATIVE")
          .contains("pinned:                  true");

      // Once d1 has not heard from a leader for a while it refuses at once, with its last answer.
      Awaitility.await("a linearizable lookup fails with the daemon's staleness facts")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                Run run =
                    Run.of("owner", "m-1", "--ring", "chat", "--endpoints", d1, "--timeout", "3s");
                assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNAVAILABLE);
                assertThat(run.out())
                    .startsWith("NOT AUTHORITATIVE")
                    .contains("session:", "m-1", "ms since leader contact:", "other daemons:");
                assertThat(run.err()).contains("UNAVAILABLE");
              });
    }
  }

  static List<String> names(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }
}
