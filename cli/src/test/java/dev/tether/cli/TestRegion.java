package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.daemon.testing.LocalRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A three-daemon {@link LocalRegion} in the test JVM for one test class, and the {@code tether}
 * command line pointed at it. Ports are in 18000-19000, away from other modules' tests.
 */
final class TestRegion implements AutoCloseable {
  /** Deadline of each command's calls: generous, the machine is shared and may be loaded. */
  static final String TIMEOUT = "30s";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalRegion region;
  private final String endpoints;

  private TestRegion(LocalRegion region) {
    this.region = region;
    this.endpoints = String.join(",", region.apiAddresses());
  }

  /** Starts the region and waits until it creates {@code ring} with these policy flags. */
  static TestRegion start(Path dir, int basePort, String ring, String... policyFlags)
      throws IOException {
    TestRegion r =
        new TestRegion(LocalRegion.start(dir, 3, basePort, Map.of("duties.tick_ms", "50")));
    List<String> create = new ArrayList<>(List.of("ring", "create", ring));
    create.addAll(List.of(policyFlags));
    Awaitility.await("ring " + ring + " created")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              Run run = r.run(create.toArray(String[]::new));
              return run.exitCode() == ExitCodes.OK || run.err().contains("ALREADY_EXISTS");
            });
    // A create that outlived its deadline leaves the ring's first entry to its leader: on a
    // loaded machine the ring answers a moment later.
    Awaitility.await("ring " + ring + " initialised")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> r.run("node", "list", "--ring", ring).exitCode() == ExitCodes.OK);
    return r;
  }

  LocalRegion region() {
    return region;
  }

  String endpoints() {
    return endpoints;
  }

  /** {@code args} with this region's endpoints and {@link #TIMEOUT}. */
  String[] args(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoints", endpoints, "--timeout", TIMEOUT));
    return all.toArray(String[]::new);
  }

  /** Runs a command against this region. */
  Run run(String... args) {
    return Run.of(args(args));
  }

  /** Starts a command against this region on another thread. */
  Run.Running start(String... args) {
    return Run.start(args(args));
  }

  /** Runs a command that must succeed, with --output json, and parses its one document. */
  JsonNode json(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--output", "json"));
    Run run = run(all.toArray(String[]::new));
    assertThat(run.exitCode()).as("%s: %s", all, run.err()).isEqualTo(ExitCodes.OK);
    return parse(run.out());
  }

  /** Parses one JSON document. */
  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not one JSON document: " + text, e);
    }
  }

  @Override
  public void close() {
    region.close();
  }
}
