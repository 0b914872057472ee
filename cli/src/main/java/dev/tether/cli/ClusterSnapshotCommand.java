package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.client.TetherClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tether cluster snapshot [--group RING]}. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description =
        "Makes the answering daemon snapshot a group now (a RocksDB checkpoint); Ratis then purges"
            + " its log up to it.")
final class ClusterSnapshotCommand extends RegionCommand {
  @Option(
      names = "--group",
      paramLabel = "RING",
      description = "The ring whose group to snapshot (default: the region group).")
  String group = "";

  @Override
  void validate(Usage usage) {
    if (!group.isEmpty()) {
      usage.ringName("--group", group);
    }
  }

  @Override
  int run(TetherClient client) {
    long index = client.snapshot(group);
    String name = group.isEmpty() ? "region" : group;
    if (json()) {
      ObjectNode o = Json.object();
      o.put("group", name);
      o.put("index", index);
      printJson(o);
    } else {
      println("group " + name + " snapshotted at index " + index);
    }
    return ExitCodes.OK;
  }
}
