package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether session close ID --ring R [--token T]}. */
@Command(
    name = "close",
    mixinStandardHelpOptions = true,
    description =
        "Closes a session and deletes its state. With --token, only if it is the session's"
            + " current fencing token (exit 5 otherwise).")
final class SessionCloseCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The session.")
  String id;

  @Mixin RingOption ring;

  @Option(
      names = "--token",
      paramLabel = "T",
      description = "Fencing token the close is fenced by, at least 1 (default: unconditional).")
  Long token;

  @Override
  void validate(Usage usage) {
    usage.sessionId("ID", id);
    ring.check(usage);
    if (token != null) {
      usage.range("--token", token, 1, Long.MAX_VALUE);
    }
  }

  @Override
  int run(TetherClient client) {
    client.closeSession(ring.ring(), id, token == null ? 0 : token);
    if (json()) {
      ObjectNode o = Json.object();
      o.put("ring", ring.ring());
      o.put("session_id", id);
      o.put("closed", true);
      printJson(o);
    } else {
      println("session " + id + " closed");
    }
    return ExitCodes.OK;
  }
}
