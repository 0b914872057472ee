package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.client.TetherClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether session put ID --ring R --token T --version V --data @FILE|TEXT}. */
@Command(
    name = "put",
    sortOptions = false,
    description = {
      "Writes a session's state blob: a compare-and-set that succeeds only with the session's"
          + " current fencing token and state version (0 before the first write); exit 5"
          + " otherwise.",
      "Prints the new version."
    })
final class SessionPutCommand extends RegionCommand {
  // No mixinStandardHelpOptions: its --version would clash with the state version's flag.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Parameters(index = "0", paramLabel = "ID", description = "The session.")
  String id;

  @Mixin RingOption ring;

  @Option(
      names = "--token",
      required = true,
      paramLabel = "T",
      description = "The session's current fencing token (see `tether owner`), at least 1.")
  long token;

  @Option(
      names = "--version",
      required = true,
      paramLabel = "V",
      description = "The state version the write expects, 0 before the first write.")
  long version;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "@FILE|TEXT",
      description = "The state: TEXT as UTF-8, or the bytes of FILE; at most 65536 bytes.")
  String data;

  private byte[] bytes;

  @Override
  void validate(Usage usage) {
    usage.sessionId("ID", id);
    ring.check(usage);
    usage.range("--token", token, 1, Long.MAX_VALUE);
    usage.range("--version", version, 0, Long.MAX_VALUE);
    bytes = read(usage, data);
  }

  /** The bytes of {@code @FILE} or {@code TEXT}, checked against STATE_BYTES_MAX before reading. */
  static byte[] read(Usage usage, String data) {
    int max = PolicyOptions.STATE_BYTES_MAX;
    if (!data.startsWith("@")) {
      byte[] text = data.getBytes(StandardCharsets.UTF_8);
      if (text.length > max) {
        throw usage.error("--data is " + text.length + " bytes, limit STATE_BYTES_MAX is " + max);
      }
      return text;
    }
    Path file = Path.of(data.substring(1));
    try {
      if (!Files.isRegularFile(file)) {
        throw usage.error("--data " + data + ": not a regular file");
      }
      long size = Files.size(file);
      if (size > max) {
        throw usage.error(
            "--data " + data + " is " + size + " bytes, limit STATE_BYTES_MAX is " + max);
      }
      byte[] read = Files.readAllBytes(file);
      if (read.length > max) {
        throw usage.error("--data " + data + " grew to " + read.length + " bytes while read");
      }
      return read;
    } catch (IOException e) {
      throw usage.error("--data " + data + ": cannot read: " + e.getMessage());
    }
  }

  @Override
  int run(TetherClient client) {
    long next = client.putState(ring.ring(), id, token, version, bytes);
    if (json()) {
      ObjectNode o = Json.object();
      o.put("ring", ring.ring());
      o.put("session_id", id);
      o.put("version", next);
      o.put("bytes", bytes.length);
      printJson(o);
    } else {
      println("session " + id + " state is version " + next + " (" + bytes.length + " bytes)");
    }
    return ExitCodes.OK;
  }
}
