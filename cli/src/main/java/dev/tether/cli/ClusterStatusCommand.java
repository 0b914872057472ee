package dev.tether.cli;

import dev.tether.api.v1.DaemonStatus;
import dev.tether.api.v1.GroupStatus;
import dev.tether.api.v1.StatusResponse;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;

/** {@code tether cluster status}: one daemon's view of the region's groups and daemons. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Shows the answering daemon's view of the region: each Raft group (the region group and"
            + " one per ring) with its role, leader, term, commit and applied indexes and the time"
            + " since leader contact; then the daemons.")
final class ClusterStatusCommand extends RegionCommand {
  @Override
  int run(TetherClient client) {
    StatusResponse s = client.status();
    if (json()) {
      printJson(s);
      return ExitCodes.OK;
    }
    String nl = System.lineSeparator();
    Table groups =
        new Table("GROUP", "ROLE", "LEADER", "TERM", "COMMIT", "APPLIED", "LEADER CONTACT MS")
            .textColumns(1, 2);
    for (GroupStatus g : s.getGroupsList()) {
      groups.row(
          g.getName(),
          g.getRole(),
          Show.orDash(g.getLeader()),
          Long.toString(g.getTerm()),
          Long.toString(g.getCommitIndex()),
          Long.toString(g.getAppliedIndex()),
          g.getMsSinceLeaderContact() < 0 ? "never" : Long.toString(g.getMsSinceLeaderContact()));
    }
    Table daemons = new Table("DAEMON", "RAFT", "API", "HTTP").textColumns(1, 2, 3);
    for (DaemonStatus d : s.getDaemonsList()) {
      daemons.row(
          d.getId(), d.getRaftAddress(), d.getApiAddress(), Show.orDash(d.getHttpAddress()));
    }
    print(
        "region "
            + s.getRegion()
            + ", as daemon "
            + s.getDaemonId()
            + " sees it (version "
            + s.getVersion()
            + ")"
            + nl
            + nl
            + groups.render()
            + nl
            + daemons.render());
    return ExitCodes.OK;
  }
}
