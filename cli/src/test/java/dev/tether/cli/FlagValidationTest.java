package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command rejects a value outside its limit before it connects to anything: exit code 2, a
 * message on stderr that names the flag and the limit, and nothing on stdout. No region runs here;
 * the endpoints point at a closed port, so a command that did connect would fail with another code.
 */
class FlagValidationTest {
  /** A port nothing listens on: a command that wrongly connected would exit 4, not 2. */
  private static final String NOWHERE = "127.0.0.1:9";

  static Stream<Arguments> badFlags() {
    String longId = "x".repeat(257);
    String tooMuchData = "d".repeat(65_537);
    List<String> manyIds = new ArrayList<>(Collections.nCopies(10_001, "s"));
    return Stream.of(
        bad("ring create Bad_Name", "NAME", "[a-z0-9][a-z0-9-]*"),
        bad("ring create r --vnodes 0", "--vnodes is 0", "VNODES_PER_UNIT_MIN=1"),
        bad("ring create r --vnodes 5000", "--vnodes is 5000", "VNODES_PER_UNIT_MAX=4096"),
        bad("ring create r --balance 0.5", "--balance is 0.5", "[1.0, 10.0]"),
        bad("ring create r --balance 1.2345", "--balance", "multiple of 0.001"),
        bad("ring create r --lease-ttl 100ms", "--lease-ttl is 100ms", "[500ms, 1h]"),
        bad("ring create r --lease-ttl 5x", "--lease-ttl", "not a duration"),
        bad("ring create r --session-ttl 31d", "--session-ttl is 31d", "[0s, 30d]"),
        bad("ring create r --warmup 8d", "--warmup is 8d", "[0s, 7d]"),
        bad("ring create r --warmup-steps 101", "--warmup-steps is 101", "WARMUP_STEPS_MAX=100"),
        bad("ring create r --drain-deadline 8d", "--drain-deadline is 8d", "[0s, 7d]"),
        bad("ring create r --rehome-rate 0", "--rehome-rate is 0", "REHOME_PER_SECOND_MAX"),
        bad("ring create r --state-max 70000", "--state-max is 70000", "STATE_BYTES_MAX=65536"),
        bad("ring create r --policy ring", "--policy 'ring'", "slot-table, vnode-ring"),
        bad("ring policy r", "at least one policy flag", "--lease-ttl"),
        bad("ring policy r --lease-ttl 2h", "--lease-ttl is 2h", "[500ms, 1h]"),
        bad("ring list --timeout 0s", "--timeout is 0s", "[10ms, 5m]"),
        bad("ring list --timeout 6m", "--timeout is 6m", "[10ms, 5m]"),
        bad("ring list --timeout soon", "--timeout", "not a duration"),
        bad("ring list --endpoints 127.0.0.1:1,127.0.0.1:1", "--endpoints", "repeats"),
        bad("ring list --endpoints 127.0.0.1:1,", "--endpoints", "empty entry"),
        bad("ring list --output yaml", "--output", "table or json"),
        bad("ring show r --consistency eventual", "--consistency", "linearizable or stale"),
        bad("ring delete r --bogus", "Unknown option", "--bogus"),
        bad("ring simulate r", "Missing required argument", "--join"),
        bad("ring simulate r --join n:0", "--join weight is 0", "CAPACITY_UNITS_MAX=1000"),
        bad("ring simulate r --weight n", "--weight 'n'", "NODE=WEIGHT"),
        bad("ring simulate r --weight n=1001", "--weight weight is 1001", "CAPACITY_UNITS_MAX"),
        bad("ring simulate r --drain a --leave b", "mutually exclusive", "--leave"),
        bad("ring simulate r --leave bad!", "--leave", "[A-Za-z0-9._:-]"),
        bad("ring watch r --count 0", "--count is 0", "[1, 1000000]"),
        bad("node join n --address h:1", "Missing required option", "--ring"),
        bad("node join n --ring r --address nohost", "--address 'nohost'", "host:port"),
        bad("node join n --ring r --address h:0", "--address 'h:0' has port 0", "[1, 65535]"),
        bad("node join n --ring r --address h:1 --weight 1001", "--weight is 1001", "1000"),
        bad("node join n --ring r --address h:1 --zone " + "z".repeat(65), "--zone", "64"),
        bad("node join n --ring r --address h:1 --warmup 8d", "--warmup is 8d", "7d"),
        bad("node join n --ring r --address h:1 --label =v", "--label key", "LABEL_KEY_BYTES_MAX"),
        bad("node join " + "n".repeat(129) + " --ring r --address h:1", "NODE", "128"),
        bad("node drain n --ring r --deadline 8d", "--deadline is 8d", "[0s, 7d]"),
        bad("node drain n --ring r --wait --wait-timeout 0s", "--wait-timeout is 0s", "[1s, 7d]"),
        bad("node leave bad! --ring r", "NODE", "[A-Za-z0-9._:-]"),
        bad("node weight n 0 --ring r", "W is 0", "CAPACITY_UNITS_MAX=1000"),
        bad("node list --ring R", "--ring", "[a-z0-9][a-z0-9-]*"),
        bad("node get n --ring r --consistency often", "--consistency", "linearizable or stale"),
        bad("node agent n --ring r --address h:1 --duration 0s", "--duration is 0s", "365d"),
        bad("node agent n --ring r --address h:1 --log-level loud", "--log-level", "warn"),
        bad("session open " + longId + " --ring r", "ID is 257 bytes", "SESSION_ID_BYTES_MAX"),
        bad("session open s --ring r --ttl 31d", "--ttl is 31d", "[0s, 30d]"),
        bad("session open s --ring r --hint bad!", "--hint", "[A-Za-z0-9._:-]"),
        bad("session close s --ring r --token 0", "--token is 0", "[1, "),
        bad("session get s --ring r --consistency any", "--consistency", "linearizable or stale"),
        bad("session list --ring r --limit 0", "--limit is 0", "[1, 100000]"),
        bad("session list --ring r --limit 100001", "--limit is 100001", "[1, 100000]"),
        bad("session list --ring r --owner bad!", "--owner", "[A-Za-z0-9._:-]"),
        bad("session put s --ring r --token 0 --version 0 --data x", "--token is 0", "[1, "),
        bad("session put s --ring r --token 1 --version -1 --data x", "--version is -1", "[0, "),
        bad(
            "session put s --ring r --token 1 --version 0 --data " + tooMuchData,
            "--data is 65537 bytes",
            "STATE_BYTES_MAX is 65536"),
        bad("session put s --ring r --token 1 --version 0 --data @/nonexistent", "--data", "file"),
        bad("owner s --ring r --consistency maybe", "--consistency", "linearizable or stale"),
        bad("owner " + longId + " --ring r", "ID is 257 bytes", "SESSION_ID_BYTES_MAX"),
        bad("cluster transfer-leader --group Region", "--group", "[a-z0-9][a-z0-9-]*"),
        bad("cluster transfer-leader --to bad!", "--to", "[A-Za-z0-9._:-]"),
        bad(
            "cluster add-daemon d4 --raft-address x --api-address h:1",
            "--raft-address",
            "host:port"),
        bad(
            "cluster add-daemon " + "d".repeat(65) + " --raft-address h:1 --api-address h:2",
            "ID",
            "64"),
        bad("cluster remove-daemon bad!", "ID", "[A-Za-z0-9._:-]"),
        bad("cluster snapshot --group BAD", "--group", "[a-z0-9][a-z0-9-]*"),
        bad("up --daemons 0", "--daemons is 0", "DAEMONS_MAX=9"),
        bad("up --daemons 10", "--daemons is 10", "DAEMONS_MAX=9"),
        bad("up --nodes 65", "--nodes is 65", "[0, 64]"),
        bad("up --base-port 80", "--base-port is 80", "[1024, 65432]"),
        bad("up --base-port 65500", "--base-port is 65500", "at most 65535"),
        bad("up --nodes 0 --daemons 9 --base-port 65460", "[1024, 65452]", "base+83"),
        bad("up --log-level loud", "--log-level", "error, warn, info"),
        bad("daemon --set nothing", "--set", "KEY=VALUE"),
        argsOnly(new ArrayList<>(List.of("ring", "simulate", "r", "--leave", "n")), manyIds));
  }

  private static Arguments bad(String commandLine, String flag, String limit) {
    return Arguments.of(List.of(commandLine.split(" ")), flag, limit);
  }

  private static Arguments argsOnly(List<String> args, List<String> ids) {
    args.add("--sessions");
    args.add(String.join(",", ids));
    return Arguments.of(args, "--sessions has 10001 ids", "limit is 10000");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFlags")
  void badValueIsAUsageErrorNamingTheFlagAndTheLimit(List<String> args, String flag, String limit) {
    List<String> withEndpoints = new ArrayList<>(args);
    if (!args.get(0).equals("up") && !args.get(0).equals("daemon")) {
      if (!args.contains("--endpoints")) {
        withEndpoints.add("--endpoints");
        withEndpoints.add(NOWHERE);
      }
      if (!args.contains("--timeout")) {
        withEndpoints.add("--timeout");
        withEndpoints.add("50ms");
      }
    }
    Run run = Run.of(withEndpoints.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains(flag).contains(limit);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void upRefusesADataDirThatCannotBeCreated(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "not a directory");
    Run run = Run.of("up", "--data-dir", file.resolve("sub").toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--data-dir", "cannot be created");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void sessionPutRefusesAFileOverTheLimitBeforeReadingIt(@TempDir Path tmp) throws IOException {
    Path big = Files.write(tmp.resolve("big"), new byte[65_537]);
    Run run =
        Run.of(
            "session",
            "put",
            "s",
            "--ring",
            "r",
            "--token",
            "1",
            "--version",
            "0",
            "--data",
            "@" + big,
            "--endpoints",
            NOWHERE);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains("--data @" + big + " is 65537 bytes", "STATE_BYTES_MAX is 65536");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void anUnreachableRegionIsUnavailable() {
    Run run = Run.of("ring", "list", "--endpoints", NOWHERE, "--timeout", "300ms");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err()).contains("tether ring list: ");
    assertThat(run.out()).isEmpty();
  }
}
