package dev.tether.cli;

import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OpenResponse;
import dev.tether.client.TetherClient;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether session open ID --ring R [--ttl D] [--hint NODE]}. */
@Command(
    name = "open",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Opens a session: pins it to a node by bounded load (or to --hint when that node is"
            + " ACTIVE and below its cap). Opening an open session returns it and touches it.")
final class SessionOpenCommand extends RegionCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Session id, 1 to 256 UTF-8 bytes.")
  String id;

  @Mixin RingOption ring;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Idle time-to-live, 0 (the ring's) to 30d (default: the ring's).")
  Duration ttl = Duration.ZERO;

  @Option(names = "--hint", paramLabel = "NODE", description = "Preferred owner node.")
  String hint;

  @Override
  void validate(Usage usage) {
    usage.sessionId("ID", id);
    ring.check(usage);
    usage.range("--ttl", ttl, Duration.ZERO, PolicyOptions.SESSION_TTL_MAX);
    if (hint != null) {
      usage.nodeId("--hint", hint);
    }
  }

  @Override
  int run(TetherClient client) {
    OpenResponse r =
        client.openSession(
            OpenRequest.newBuilder()
                .setRing(ring.ring())
                .setSessionId(id)
                .setTtlMs(ttl.toMillis())
                .setHintNode(hint == null ? "" : hint)
                .build());
    if (json()) {
      printJson(r);
    } else {
      print(
          (r.getCreated() ? "opened" : "already open")
              + " at ring epoch "
              + r.getRingEpoch()
              + System.lineSeparator()
              + Show.sessionFields(r.getSession()).render());
    }
    return ExitCodes.OK;
  }
}
