package dev.tether.bench.core;

import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.Join;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.TouchSessions;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.Validate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A pre-generated log of simple commands for the apply benchmark: a setup entry (InitRing and
 * {@code nodes} Joins), then entries of exactly {@code commandsPerEntry} commands, each an
 * OpenSession of a new session or a TouchSessions of one session opened in an earlier entry. Ids
 * are 36-character UUID strings drawn from a seeded generator, so a seed names one log. No two
 * commands of an entry name the same session (the rule group commit follows), so every command of
 * the log succeeds.
 *
 * @param setup the first entry (log index 1)
 * @param entries the entries after it (log indexes 2, 3, ...)
 * @param commands commands in {@code entries}
 */
public record ApplyLog(CommandBatch setup, List<CommandBatch> entries, long commands) {
  /** Nodes the ring has unless told otherwise: a mid-sized deployment. */
  public static final int NODES_DEFAULT = 16;

  /** Share of opens among the commands unless told otherwise, per mille (the rest touch). */
  public static final int OPEN_PERMILLE_DEFAULT = 500;

  /** Leader time of the first entry, milliseconds; each entry adds one. */
  static final long TIME_MS_START = 1_700_000_000_000L;

  /**
   * Generates a log.
   *
   * @param seed names the session ids and the mix
   * @param nodes nodes joined in the setup entry
   * @param commandsPerEntry commands in every entry after the setup
   * @param commands commands after the setup, rounded up to whole entries
   * @param openPermille share of opens, per mille; the first entry only opens
   */
  public static ApplyLog generate(
      long seed, int nodes, int commandsPerEntry, long commands, int openPermille) {
    if (commandsPerEntry < 1 || commandsPerEntry > Limits.COMMANDS_PER_BATCH_MAX) {
      throw new IllegalArgumentException(
          "commands per entry is "
              + commandsPerEntry
              + ", must be in [1, COMMANDS_PER_BATCH_MAX="
              + Limits.COMMANDS_PER_BATCH_MAX
              + "]");
    }
    if (openPermille < 1 || openPermille > 1000) {
      throw new IllegalArgumentException(
          "open per mille is " + openPermille + ", must be in [1, 1000]");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int entryCount =
        (int) Math.min(Integer.MAX_VALUE, (commands + commandsPerEntry - 1) / commandsPerEntry);
    List<CommandBatch> entries = new ArrayList<>(entryCount);
    List<String> opened = new ArrayList<>();
    Set<String> inEntry = new HashSet<>();
    long time = TIME_MS_START + 1;
    for (int e = 0; e < entryCount; e++) {
      CommandBatch.Builder b = CommandBatch.newBuilder().setTimeMs(time++);
      int touchable = opened.size(); // sessions opened in earlier entries
      inEntry.clear();
      for (int c = 0; c < commandsPerEntry; c++) {
        boolean touch = touchable > 2 * commandsPerEntry && rnd.nextInt(1000) >= openPermille;
        if (touch) {
          String id;
          do {
            id = opened.get(rnd.nextInt(touchable));
          } while (!inEntry.add(id));
          b.addCommands(
              Command.newBuilder().setTouchSessions(TouchSessions.newBuilder().addSessionIds(id)));
        } else {
          String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
          opened.add(id);
          b.addCommands(
              Command.newBuilder().setOpenSession(OpenSession.newBuilder().setSessionId(id)));
        }
      }
      entries.add(b.build());
    }
    return new ApplyLog(setup(nodes), List.copyOf(entries), (long) entryCount * commandsPerEntry);
  }

  /** InitRing with the default policy (no warm-up, so joined nodes are ACTIVE) and the Joins. */
  public static CommandBatch setup(int nodes) {
    CommandBatch.Builder b = CommandBatch.newBuilder().setTimeMs(TIME_MS_START);
    b.addCommands(
        Command.newBuilder()
            .setInitRing(
                InitRing.newBuilder().setName("bench").setPolicy(Validate.defaultPolicy())));
    for (int i = 0; i < nodes; i++) {
      b.addCommands(join(i));
    }
    return b.build();
  }

  /** The Join of node {@code i}: id {@code node-<i>}, weight 1, three zones. */
  public static Command join(int i) {
    return Command.newBuilder()
        .setJoin(
            Join.newBuilder()
                .setNodeId(String.format(java.util.Locale.ROOT, "node-%03d", i))
                .setAddress("10.0." + (i / 250) + "." + (i % 250) + ":7400")
                .setZone("zone-" + (i % 3))
                .setWeight(1))
        .build();
  }
}
