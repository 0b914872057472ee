package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.api.v1.Node;
import dev.tether.client.ReadConsistency;
import dev.tether.client.RingWatcher;
import dev.tether.client.TetherClient;
import dev.tether.ring.Placement;
import dev.tether.ring.PlacementDiff;
import dev.tether.ring.RingLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tether ring watch NAME}: the ring through a {@link RingWatcher}, then every update with
 * its epoch, the nodes that changed and how many slots moved. With {@code --output json}, one
 * object per line.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Watches a ring (WatchRing, through the client's RingWatcher): prints the ring, then each"
          + " update with its epoch, the nodes that changed and the slots that moved.",
      "Runs until Ctrl-C, or until --count updates. --timeout bounds the wait for the ring."
    })
final class RingWatchCommand extends RegionCommand {
  /** Updates waiting to be printed; beyond this the watcher's thread skips them (and says so). */
  static final int QUEUE_MAX = 1024;

  /** Largest --count. */
  static final int COUNT_MAX = 1_000_000;

  /** How often the printing thread checks that the ring still exists while the view is reset. */
  private static final long IDLE_CHECK_MS = 1_000;

  @Parameters(index = "0", paramLabel = "NAME", description = "The ring.")
  String name;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Exit after N updates following the first (full) one, 1 to 1000000.")
  Integer count;

  /** One applied update as the watcher's view held it. */
  private record Update(long epoch, List<Node> nodes, Placement placement) {}

  @Override
  void validate(Usage usage) {
    usage.ringName("NAME", name);
    if (count != null) {
      usage.range("--count", count, 1, COUNT_MAX);
    }
  }

  @Override
  int run(TetherClient client) throws InterruptedException {
    // An unknown ring is NOT_FOUND now rather than a watcher that resubscribes forever.
    client.getRing(name, ReadConsistency.STALE);
    BlockingQueue<Update> updates = new ArrayBlockingQueue<>(QUEUE_MAX);
    AtomicLong skipped = new AtomicLong();
    RingWatcher watcher = client.watchRing(name);
    // The listener runs under the watcher's lock, right after the update is applied, so the view
    // it reads is exactly that update's.
    watcher.addListener(
        epoch -> {
          Placement p = watcher.placement().orElse(null);
          if (p == null || !updates.offer(new Update(epoch, watcher.nodes(), p))) {
            skipped.incrementAndGet();
          }
        });
    Update first = updates.poll(region.timeout().toMillis(), TimeUnit.MILLISECONDS);
    if (first == null) {
      if (!watcher.isReady()) {
        throw new CliException(
            ExitCodes.UNAVAILABLE,
            "no update of ring "
                + name
                + " within --timeout "
                + Durations.format(region.timeout()));
      }
      first = new Update(watcher.epoch(), watcher.nodes(), watcher.placement().orElseThrow());
    }
    printFirst(first);
    Update previous = first;
    int seen = 0;
    while (count == null || seen < count) {
      Update next = updates.poll(IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
      if (next == null) {
        if (!watcher.isReady()) {
          client.getRing(name, ReadConsistency.STALE);
        }
        continue;
      }
      printUpdate(previous, next, skipped.getAndSet(0));
      previous = next;
      seen++;
    }
    watcher.close();
    return ExitCodes.OK;
  }

  private void printFirst(Update u) {
    if (json()) {
      println(Json.line(object(u, true, 0, 0, 0)));
      return;
    }
    print(
        "ring "
            + name
            + " at epoch "
            + u.epoch()
            + ", "
            + u.nodes().size()
            + " nodes"
            + System.lineSeparator()
            + (u.nodes().isEmpty() ? "" : Show.nodes(u.nodes())));
  }

  private void printUpdate(Update before, Update after, long skippedUpdates) {
    PlacementDiff diff = PlacementDiff.between(before.placement(), after.placement());
    int slotMoves = diff.slotMoves().size();
    if (json()) {
      println(Json.line(object(after, false, slotMoves, diff.movedShare(), skippedUpdates)));
      return;
    }
    List<String> changes = changes(before.nodes(), after.nodes());
    println(
        Show.now()
            + " epoch "
            + after.epoch()
            + ": "
            + after.nodes().size()
            + " nodes"
            + (changes.isEmpty() ? "" : " (" + String.join(", ", changes) + ")")
            + "; "
            + slotMoves
            + " of "
            + RingLimits.SLOTS
            + " slots moved, "
            + Show.percent(diff.movedShare())
            + " of the hash space"
            + (skippedUpdates > 0 ? "; " + skippedUpdates + " updates skipped" : ""));
  }

  /** What changed per node: {@code node-4 +ACTIVE}, {@code node-2 ACTIVE->DRAINING}, {@code -x}. */
  static List<String> changes(List<Node> before, List<Node> after) {
    Map<String, Node> old = new LinkedHashMap<>();
    before.forEach(n -> old.put(n.getId(), n));
    List<String> out = new ArrayList<>();
    for (Node n : after) {
      Node o = old.remove(n.getId());
      if (o == null) {
        out.add(n.getId() + " +" + Show.state(n.getState()));
      } else if (o.getState() != n.getState()) {
        out.add(n.getId() + " " + Show.state(o.getState()) + "->" + Show.state(n.getState()));
      } else if (o.getWeight() != n.getWeight()
          || o.getEffectiveWeightMilli() != n.getEffectiveWeightMilli()) {
        out.add(
            n.getId()
                + " weight "
                + Show.units(o.getEffectiveWeightMilli())
                + "->"
                + Show.units(n.getEffectiveWeightMilli()));
      }
    }
    old.keySet().forEach(id -> out.add(id + " removed"));
    return out;
  }

  private ObjectNode object(
      Update u, boolean full, int slotMoves, double movedShare, long skippedUpdates) {
    ObjectNode o = Json.object();
    o.put("ring", name);
    o.put("time", Show.now());
    o.put("epoch", u.epoch());
    o.put("full", full);
    ArrayNode nodes = o.putArray("nodes");
    u.nodes().forEach(n -> nodes.add(Json.tree(n)));
    o.put("slot_moves", slotMoves);
    o.put("moved_share", movedShare);
    o.put("skipped_updates", skippedUpdates);
    return o;
  }
}
