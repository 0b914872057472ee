package dev.tether.cli;

import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.ListSessionsRequest;
import dev.tether.api.v1.ListSessionsResponse;
import dev.tether.api.v1.Session;
import dev.tether.client.ReadConsistency;
import dev.tether.client.TetherClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tether session list --ring R [--owner NODE] [--limit N]}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists sessions in id order: all of the ring's, or one owner's; at most --limit.")
final class SessionListCommand extends RegionCommand {
  /** Sessions listed when --limit is not given. */
  static final int LIMIT_DEFAULT = 100;

  /** Largest --limit. */
  static final int LIMIT_MAX = 100_000;

  /** Largest page asked for (the API's LIST_PAGE_SIZE_MAX). */
  static final int PAGE_SIZE_MAX = 1000;

  @Mixin RingOption ring;

  @Option(names = "--owner", paramLabel = "NODE", description = "Only this node's sessions.")
  String owner;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Most sessions to list, 1 to 100000 (default: ${DEFAULT-VALUE}).")
  int limit = LIMIT_DEFAULT;

  @Option(
      names = "--consistency",
      paramLabel = "C",
      converter = ConsistencyConverter.class,
      completionCandidates = ConsistencyConverter.Candidates.class,
      description = ConsistencyConverter.DESCRIPTION + " Each page is one read.")
  ReadConsistency consistency = ReadConsistency.LINEARIZABLE;

  @Override
  void validate(Usage usage) {
    ring.check(usage);
    if (owner != null) {
      usage.nodeId("--owner", owner);
    }
    usage.range("--limit", limit, 1, LIMIT_MAX);
  }

  @Override
  int run(TetherClient client) {
    List<Session> sessions = new ArrayList<>();
    ListSessionsResponse page;
    String token = "";
    do {
      int size = Math.min(PAGE_SIZE_MAX, limit - sessions.size());
      ListSessionsRequest.Builder request =
          ListSessionsRequest.newBuilder()
              .setRing(ring.ring())
              .setOwner(owner == null ? "" : owner)
              .setPageToken(token)
              .setPageSize(size)
              .setConsistency(
                  consistency == ReadConsistency.STALE
                      ? Consistency.CONSISTENCY_STALE
                      : Consistency.CONSISTENCY_LINEARIZABLE);
      page = client.listSessionsPage(request.build());
      sessions.addAll(page.getSessionsList().subList(0, Math.min(size, page.getSessionsCount())));
      token = page.getNextPageToken();
    } while (!token.isEmpty() && sessions.size() < limit);
    if (json()) {
      printJson(
          page.toBuilder()
              .clearSessions()
              .addAllSessions(sessions)
              .setNextPageToken(token)
              .build());
      return ExitCodes.OK;
    }
    Table t =
        new Table("SESSION", "OWNER", "TOKEN", "VERSION", "BYTES", "MIGRATION").textColumns(1, 5);
    for (Session s : sessions) {
      t.row(
          s.getId(),
          s.hasOwner() ? s.getOwner().getId() : "-",
          Long.toString(s.getFencingToken()),
          Long.toString(s.getStateVersion()),
          Integer.toString(s.getStateBytes()),
          Show.migration(s.getLastMigration()));
    }
    StringBuilder out =
        new StringBuilder(t.isEmpty() ? "no sessions" + System.lineSeparator() : t.render());
    if (!token.isEmpty()) {
      out.append("... more sessions: raise --limit (")
          .append(limit)
          .append(")")
          .append(System.lineSeparator());
    }
    print(out.toString());
    return ExitCodes.OK;
  }
}
