package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {
  @Test
  void endpointsAreRequiredAndBounded() {
    // Proves that a client needs 1 to 16 distinct host:port endpoints and says which rule broke.
    assertThatThrownBy(() -> TetherClient.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("endpoints must be set")
        .hasMessageContaining("ENDPOINTS_MAX=16");
    assertThatThrownBy(() -> TetherClient.builder().endpoints(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints is empty, must have 1 to ENDPOINTS_MAX=16 entries");
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      many.add("10.0.0." + i + ":7400");
    }
    assertThatThrownBy(() -> TetherClient.builder().endpoints(many))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints has 17 entries, limit ENDPOINTS_MAX is 16");
    assertThatThrownBy(() -> TetherClient.builder().endpoints(List.of("a:1", "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("endpoints[1] 'b' is not host:port");
    assertThatThrownBy(() -> TetherClient.builder().endpoints(List.of("a:1", "b:2", "a:1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints[2] 'a:1' repeats endpoints[0]");
    assertThatThrownBy(() -> TetherClient.builder().endpoints(List.of("a:70000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints[0] 'a:70000' has port 70000, must be in [1, 65535]");
  }

  @Test
  void durationsAndCountsNameTheirLimits() {
    // Proves that deadline, retry budget and backoff are checked at once with one exact message.
    TetherClient.Builder b = TetherClient.builder();
    assertThatThrownBy(() -> b.deadline(Duration.ofMillis(5)))
        .hasMessage("deadline is PT0.005S, must be in [DEADLINE_MIN=PT0.01S, DEADLINE_MAX=PT5M]");
    assertThatThrownBy(() -> b.deadline(Duration.ofMinutes(6)))
        .hasMessageStartingWith("deadline is PT6M, must be in");
    assertThatThrownBy(() -> b.retryBudget(0))
        .hasMessage("retryBudget is 0, must be in [RETRY_ATTEMPTS_MIN=1, RETRY_ATTEMPTS_MAX=10]");
    assertThatThrownBy(() -> b.retryBudget(11)).hasMessageStartingWith("retryBudget is 11");
    assertThatThrownBy(() -> b.backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("backoff.base is PT0S, must be in [BACKOFF_MIN=PT0.001S, BACKOFF_LIMIT=PT1M]");
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("backoff.base PT2S is above backoff.max PT1S");
    assertThatThrownBy(() -> b.backoff(Duration.ofMillis(1), Duration.ofMinutes(2)))
        .hasMessageStartingWith("backoff.max is PT2M");
    assertThatThrownBy(() -> b.ticker(null)).hasMessage("ticker must not be null");
  }

  @Test
  void endpointParsingAcceptsNamesV4AndBracketedV6() {
    // Proves the host:port forms the client accepts and that it keeps them in one canonical form.
    assertThat(Endpoint.parse("e", "daemon-1.eu:7400"))
        .isEqualTo(new Endpoint("daemon-1.eu", 7400));
    assertThat(Endpoint.parse("e", "[::1]:7400").toString()).isEqualTo("[::1]:7400");
    assertThatThrownBy(() -> Endpoint.parse("e", "::1:7400"))
        .hasMessageContaining("needs brackets around its IPv6 host");
    assertThatThrownBy(() -> Endpoint.parse("e", ":7400")).hasMessageContaining("is not host:port");
    assertThatThrownBy(() -> Endpoint.parse("e", "h:x")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Endpoint.parse("e", "h o:1"))
        .hasMessageContaining("not allowed in a host at index 1");
  }

  @Test
  void nodeAgentSettingsAreCheckedBeforeAnyCall() {
    // Proves that the node agent builder rejects bad ids, addresses, weights, labels and margins
    // without contacting a daemon (the endpoint below does not exist).
    try (TetherClient client =
        TetherClient.builder().endpoints(List.of(FakeDaemon.deadAddress())).build()) {
      assertThatThrownBy(() -> client.nodeAgent("r", "bad id", "h:1"))
          .hasMessageContaining("nodeId 'bad id' has a character outside");
      assertThatThrownBy(() -> client.nodeAgent("r", "n1", "h"))
          .hasMessageStartingWith("address 'h' is not host:port");
      NodeAgent.Builder b = client.nodeAgent("r", "n1", "h:1");
      assertThatThrownBy(() -> b.weight(0))
          .hasMessage("weight is 0, must be in [1, NODE_WEIGHT_MAX=1000]");
      assertThatThrownBy(() -> b.safetyMargin(Duration.ZERO))
          .hasMessage(
              "safetyMargin is PT0S, must be in [FENCE_MARGIN_MIN=PT0.001S, FENCE_MARGIN_MAX=PT1H]");
      assertThatThrownBy(() -> b.warmup(Duration.ofDays(8)))
          .hasMessageStartingWith("warmup is PT192H");
      assertThatThrownBy(() -> b.zone("z".repeat(65)))
          .hasMessage("zone is 65 bytes, must be in [0, ZONE_BYTES_MAX=64]");
      Map<String, String> labels = new HashMap<>();
      for (int i = 0; i < 33; i++) {
        labels.put("k" + i, "v");
      }
      assertThatThrownBy(() -> b.labels(labels))
          .hasMessage("labels has 33 entries, limit LABELS_MAX is 32");
      assertThatThrownBy(() -> b.labels(Map.of("", "v")))
          .hasMessage("labels key is 0 bytes, must be in [1, LABEL_KEY_BYTES_MAX=64]");
    }
  }
}
