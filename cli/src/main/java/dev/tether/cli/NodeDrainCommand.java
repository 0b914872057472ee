package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.api.v1.DrainResponse;
import dev.tether.api.v1.Node;
import dev.tether.client.NotFoundException;
import dev.tether.client.ReadConsistency;
import dev.tether.client.TetherClient;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether node drain NODE --ring R [--deadline D] [--wait]}. */
@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Drains a node: it takes no new sessions at once and keeps its sessions until the"
          + " deadline; then the leader hands them off at the ring's pace. Draining again changes"
          + " the deadline.",
      "With --wait, shows the sessions still on the node on stderr until none is left."
    })
final class NodeDrainCommand extends RegionCommand {
  /** How long --wait waits by default. */
  static final Duration WAIT_TIMEOUT_DEFAULT = Duration.ofMinutes(10);

  /** Longest --wait-timeout. */
  static final Duration WAIT_TIMEOUT_MAX = Duration.ofDays(7);

  /** Time between two GetNode calls while waiting. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  /** Characters of the progress bar. */
  static final int BAR_CHARS = 30;

  @Parameters(index = "0", paramLabel = "NODE", description = "The node.")
  String node;

  @Mixin RingOption ring;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "When its sessions are handed off, 0 to 7d from now (default: the ring's).")
  Duration deadline;

  @Option(
      names = "--wait",
      description = "Wait until the node has no sessions left, showing progress on stderr.")
  boolean await;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Longest --wait, 1s to 7d (default: 10m); exit 1 when it passes.")
  Duration waitTimeout = WAIT_TIMEOUT_DEFAULT;

  @Override
  void validate(Usage usage) {
    usage.nodeId("NODE", node);
    ring.check(usage);
    if (deadline != null) {
      usage.range("--deadline", deadline, Duration.ZERO, PolicyOptions.DRAIN_DEADLINE_MAX);
    }
    usage.range("--wait-timeout", waitTimeout, Duration.ofSeconds(1), WAIT_TIMEOUT_MAX);
  }

  @Override
  int run(TetherClient client) throws InterruptedException {
    DrainResponse r =
        deadline == null
            ? client.drain(ring.ring(), node)
            : client.drain(ring.ring(), node, deadline);
    if (!await) {
      if (json()) {
        printJson(r);
      } else {
        println(drained(r.getNode(), r.getRingEpoch()));
      }
      return ExitCodes.OK;
    }
    if (!json()) {
      println(drained(r.getNode(), r.getRingEpoch()));
    }
    Node last = waitUntilEmpty(client, r.getNode());
    if (json()) {
      ObjectNode o = Json.object();
      o.set("drain", Json.tree(r));
      if (last != null) {
        o.set("node", Json.tree(last));
      }
      printJson(o);
    } else {
      println("node " + node + " has no sessions left");
    }
    return ExitCodes.OK;
  }

  private static String drained(Node n, long epoch) {
    return "node "
        + n.getId()
        + " is "
        + Show.state(n.getState())
        + " at epoch "
        + epoch
        + " with "
        + n.getSessionCount()
        + " sessions; they move after "
        + Show.time(n.getDrainDeadlineMs());
  }

  /** Polls GetNode until the node owns nothing (or is gone); returns its last record or null. */
  private Node waitUntilEmpty(TetherClient client, Node first) throws InterruptedException {
    long total = Math.max(1, first.getSessionCount());
    long deadlineNanos = System.nanoTime() + waitTimeout.toNanos();
    Progress progress = new Progress(err(), total);
    Node n = first;
    while (true) {
      progress.show(n.getSessionCount());
      if (n.getSessionCount() == 0) {
        progress.done();
        return n;
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        progress.done();
        throw new CliException(
            ExitCodes.ERROR,
            "node "
                + node
                + " still has "
                + n.getSessionCount()
                + " sessions after --wait-timeout "
                + Durations.format(waitTimeout));
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
      try {
        n = client.getNode(ring.ring(), node, ReadConsistency.LINEARIZABLE).getNode();
      } catch (NotFoundException e) {
        // The record is deleted once a node that left owns nothing: nothing is left on it.
        progress.done();
        return null;
      }
    }
  }

  /**
   * The progress bar on stderr: redrawn in place on a terminal, else one line per change, so logs
   * and tests read it too.
   */
  private static final class Progress {
    private final PrintWriter err;
    private final long total;

    // Java 17: System.console() is null when stdin or stdout is not a terminal.
    @SuppressWarnings("SystemConsoleNull")
    private final boolean terminal = System.console() != null;

    private long shown = -1;

    Progress(PrintWriter err, long total) {
      this.err = err;
      this.total = total;
    }

    void show(long left) {
      if (left == shown) {
        return;
      }
      shown = left;
      long moved = Math.max(0, total - left);
      int filled = (int) Math.min(BAR_CHARS, BAR_CHARS * moved / total);
      String bar =
          "["
              + "#".repeat(filled)
              + ".".repeat(BAR_CHARS - filled)
              + "] "
              + left
              + " sessions left";
      if (terminal) {
        err.print("\r" + bar);
      } else {
        err.println(bar);
      }
      err.flush();
    }

    void done() {
      if (terminal && shown >= 0) {
        err.println();
        err.flush();
      }
    }
  }
}
