package dev.tether.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tether cluster}: the region's daemons and Raft groups. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description =
        "The region's daemons and Raft groups: status, leadership, membership, snapshots.",
    subcommands = {
      ClusterStatusCommand.class,
      ClusterTransferLeaderCommand.class,
      ClusterAddDaemonCommand.class,
      ClusterRemoveDaemonCommand.class,
      ClusterSnapshotCommand.class
    })
public final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
