package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether daemon} reports every violation of its config at once, one line each naming the key
 * and the limit, and exits 2 without starting anything; flags and --set override the file's keys.
 */
class DaemonCommandTest {
  @TempDir Path tmp;

  @Test
  void everyViolationIsOneLineNamingTheKeyAndTheLimit() throws IOException {
    Path config =
        Files.writeString(
            tmp.resolve("bad.yaml"),
            String.join(
                "\n",
                "id: d1",
                "data_dir: " + tmp.resolve("data"),
                "raft_address: 127.0.0.1:18901",
                "api_address: 127.0.0.1:0",
                "http_address: 127.0.0.1:18903",
                "timeouts:",
                "  election_ms: 5",
                "  request_ms: 1",
                "duties:",
                "  tick_ms: 100000",
                "colour: blue",
                ""));
    Run run = Run.of("daemon", "--config", config.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    List<String> lines = run.err().lines().toList();
    assertThat(lines.get(0))
        .startsWith("tether daemon: invalid config " + config)
        .endsWith("5 violations:");
    assertThat(lines.subList(1, lines.size()))
        .hasSize(5)
        .anyMatch(l -> l.contains("api_address") && l.contains("[1, 65535]"))
        .anyMatch(l -> l.contains("timeouts.election_ms is 5, must be in ["))
        .anyMatch(l -> l.contains("timeouts.request_ms is 1, must be in [10, 300000]"))
        .anyMatch(l -> l.contains("duties.tick_ms is 100000, must be in [10, 10000]"))
        .anyMatch(l -> l.contains("colour is not a known key"));
  }

  @Test
  void flagsAndSetOverrideTheFile() throws IOException {
    Path config = Files.writeString(tmp.resolve("partial.yaml"), "region: local\n");
    Run run =
        Run.of(
            "daemon",
            "--config",
            config.toString(),
            "--id",
            "bad id",
            "--data-dir",
            tmp.resolve("data").toString(),
            "--raft-address",
            "127.0.0.1:18901",
            "--api-address",
            "nohost",
            "--http-address",
            "127.0.0.1:18903",
            "--set",
            "timeouts.election_ms=7",
            "--set",
            "reads.batch_max=0");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains("id 'bad id' has a character outside [A-Za-z0-9._:-]")
        .contains("api_address")
        .contains("timeouts.election_ms is 7")
        .contains("reads.batch_max is 0, must be in [1, ");
  }

  @Test
  void withoutAConfigFileTheFlagsAreTheConfig() {
    Run run = Run.of("daemon", "--id", "d1");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains("data_dir is required", "raft_address is required", "api_address is required");
  }

  @Test
  void anUnreadableFileIsAViolationToo() {
    Run run = Run.of("daemon", "--config", tmp.resolve("missing.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("missing.yaml");
  }
}
