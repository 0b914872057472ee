package dev.tether.cli;

import dev.tether.api.v1.AddDaemonRequest;
import dev.tether.api.v1.DaemonStatus;
import dev.tether.client.TetherClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether cluster add-daemon ID --raft-address H:P --api-address H:P}. */
@Command(
    name = "add-daemon",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Adds a running daemon (started with --join) to the region group and every ring group,"
            + " one group at a time, and registers its addresses. At most 9 daemons.")
final class ClusterAddDaemonCommand extends RegionCommand {
  /** Longest daemon id (the daemon's DAEMON_ID_BYTES_MAX). */
  static final int DAEMON_ID_CHARS_MAX = 64;

  @Parameters(
      index = "0",
      paramLabel = "ID",
      description = "Daemon id: 1 to 64 of [A-Za-z0-9._:-].")
  String id;

  @Option(
      names = "--raft-address",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Its Raft port.")
  String raftAddress;

  @Option(
      names = "--api-address",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Its API port.")
  String apiAddress;

  @Option(names = "--http-address", paramLabel = "HOST:PORT", description = "Its HTTP port.")
  String httpAddress;

  @Override
  void validate(Usage usage) {
    daemonId(usage, "ID", id);
    usage.hostPort("--raft-address", raftAddress);
    usage.hostPort("--api-address", apiAddress);
    if (httpAddress != null) {
      usage.hostPort("--http-address", httpAddress);
    }
  }

  static void daemonId(Usage usage, String flag, String id) {
    usage.nodeId(flag, id);
    if (id.length() > DAEMON_ID_CHARS_MAX) {
      throw usage.error(
          flag
              + " is "
              + id.length()
              + " characters, limit DAEMON_ID_BYTES_MAX is "
              + DAEMON_ID_CHARS_MAX);
    }
  }

  @Override
  int run(TetherClient client) {
    List<DaemonStatus> daemons =
        client.addDaemon(
            AddDaemonRequest.newBuilder()
                .setId(id)
                .setRaftAddress(raftAddress)
                .setApiAddress(apiAddress)
                .setHttpAddress(httpAddress == null ? "" : httpAddress)
                .build());
    ClusterRemoveDaemonCommand.printDaemons(this, "daemon " + id + " added", daemons);
    return ExitCodes.OK;
  }
}
