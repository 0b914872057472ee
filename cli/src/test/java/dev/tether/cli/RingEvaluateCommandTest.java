package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code tether ring evaluate} prints the figures of Tether's policy and the three peers as one
 * JSON object or a table, and rejects every out-of-limit input with exit code 2, a message naming
 * the flag, and no output.
 */
class RingEvaluateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> FIELDS =
      List.of(
          "peak_to_mean_share",
          "peak_to_mean_sampled",
          "noise_floor",
          "moved_on_join",
          "moved_on_join_ideal",
          "moved_on_leave",
          "moved_on_leave_ideal",
          "max_heir_share",
          "max_heir_share_unpinned",
          "max_heir_share_ideal",
          "weight_error_max");

  @Test
  void jsonIsOneObjectWithEveryFieldForEveryAlgorithm() throws IOException {
    Run run =
        Run.of(
            "ring",
            "evaluate",
            "--nodes",
            "20",
            "--sessions",
            "20000",
            "--seed",
            "7",
            "--output",
            "json");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).isEmpty();
    JsonNode root = JSON.readTree(run.out());
    assertThat(root.get("nodes").asInt()).isEqualTo(20);
    assertThat(root.get("sessions").asInt()).isEqualTo(20000);
    assertThat(root.get("seed").asLong()).isEqualTo(7);
    List<String> algorithms = new ArrayList<>();
    for (JsonNode result : root.get("results")) {
      algorithms.add(result.get("algorithm").asText());
      assertThat(result.get("share_method").asText()).isNotBlank();
      for (String field : FIELDS) {
        assertThat(result.get(field)).as("%s.%s", result.get("algorithm"), field).isNotNull();
        assertThat(result.get(field).isNumber())
            .as("%s.%s", result.get("algorithm"), field)
            .isTrue();
      }
    }
    assertThat(algorithms)
        .containsExactly(
            "tether-slot-table", "guava-jump", "hash4j-jumpback", "spymemcached-ketama");
    JsonNode slot = root.get("results").get(0);
    assertThat(slot.get("peak_to_mean_share").asDouble()).isLessThanOrEqualTo(1.01);
    assertThat(slot.get("max_heir_share_ideal").asDouble()).isEqualTo(1.0 / 19);
  }

  @Test
  void vnodeRingPolicyReportsItsVnodes() throws IOException {
    Run run =
        Run.of(
            "ring",
            "evaluate",
            "--policy",
            "vnode-ring",
            "--nodes",
            "10",
            "--vnodes",
            "64",
            "--weights",
            "1,1,1,1,1,2,2,2,2,4",
            "--sessions",
            "5000",
            "--output",
            "json");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    JsonNode first = JSON.readTree(run.out()).get("results").get(0);
    assertThat(first.get("algorithm").asText()).isEqualTo("tether-vnode-ring");
    assertThat(first.get("vnodes").asInt()).isEqualTo(64);
    assertThat(first.get("moved_on_leave_ideal").asDouble()).isGreaterThan(0);
  }

  @Test
  void tableHasOneAlignedRowPerAlgorithm() {
    Run run = Run.of("ring", "evaluate", "--nodes", "10", "--sessions", "10000");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    List<String> lines = run.out().lines().toList();
    int header =
        lines.indexOf(
            lines.stream().filter(l -> l.startsWith("ALGORITHM")).findFirst().orElseThrow());
    List<String> rows = lines.subList(header + 1, header + 5);
    assertThat(rows)
        .extracting(l -> l.substring(0, l.indexOf(" ")))
        .containsExactly(
            "tether-slot-table", "guava-jump", "hash4j-jumpback", "spymemcached-ketama");
    // Right-aligned numeric columns end at the same place on every row.
    for (String row : rows) {
      assertThat(row).hasSameSizeAs(lines.get(header));
    }
  }

  @Test
  void idsFileIsEvaluated(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ids.txt");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      text.append("session-").append(i).append('\n');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Run run =
        Run.of(
            "ring", "evaluate", "--nodes", "5", "--ids-file", file.toString(), "--output", "json");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(JSON.readTree(run.out()).get("sessions").asInt()).isEqualTo(3000);
  }

  @Test
  void badLineInIdsFileIsReportedWithItsNumber(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ids.txt");
    Files.writeString(file, "a\nb\nc\n" + "é".repeat(129) + "\ne\n", StandardCharsets.UTF_8);
    Run run = Run.of("ring", "evaluate", "--nodes", "5", "--ids-file", file.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--ids-file", "line 4", "258 bytes", "SESSION_ID_BYTES_MAX");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void emptyOrMissingIdsFileIsAUsageError(@TempDir Path dir) throws IOException {
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "");
    assertUsageError(List.of("--nodes", "5", "--ids-file", empty.toString()), "no session id");
    assertUsageError(
        List.of("--nodes", "5", "--ids-file", dir.resolve("absent.txt").toString()),
        "does not exist");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--nodes 1|--nodes is 1, must be in [2, NODES_PER_RING_MAX=4096]",
        "--nodes 4097|--nodes is 4097",
        "--nodes 3 --weights 1,2|--weights has 2 values, must have one per node",
        "--nodes 2 --weights 1,1001|--weights value 2 is 1001, must be in [1, CAPACITY_UNITS_MAX=1000]",
        "--nodes 2 --weights 0,1|--weights value 1 is 0",
        "--nodes 2 --vnodes 0|--vnodes is 0, must be in [VNODES_PER_UNIT_MIN=1, VNODES_PER_UNIT_MAX=4096]",
        "--nodes 2 --vnodes 4097|--vnodes is 4097",
        "--nodes 4096 --policy vnode-ring --vnodes 2048|limit RING_POINTS_MAX is 4194304",
        "--nodes 2 --sessions 0|--sessions is 0, must be in [1, SESSIONS_MAX=10000000]",
        "--nodes 2 --sessions 10000001|SESSIONS_MAX=10000000",
        "--nodes 2 --sessions 5 --ids-file x.txt|mutually exclusive",
        "--nodes 2 --policy maglev|valid policies: slot-table, vnode-ring",
        "--nodes 2 --output xml|expected table or json",
        "--sessions 5|Missing required option: '--nodes=N'",
      })
  void outOfLimitFlagsAreUsageErrors(String flags, String message) {
    assertUsageError(List.of(flags.split(" ", -1)), message);
  }

  private static void assertUsageError(List<String> flags, String message) {
    List<String> args = new ArrayList<>(List.of("ring", "evaluate"));
    args.addAll(flags);
    Run run = Run.of(args.toArray(new String[0]));
    assertThat(run.exitCode()).as("%s: %s", flags, run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains(message).contains("Try 'tether ring evaluate --help'");
    assertThat(run.out()).isEmpty();
  }
}
