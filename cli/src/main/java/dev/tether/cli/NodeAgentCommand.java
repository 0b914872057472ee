package dev.tether.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.client.NodeAgent;
import dev.tether.client.TetherClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tether node agent NODE --ring R --address HOST:PORT}: a {@link NodeAgent} in the
 * foreground, standing in for a backend. It joins, keeps the lease, and prints each event with its
 * time: joined, fenced (stop serving), unfenced (serve again), draining (hand off before the
 * deadline), stopped.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a node agent in the foreground, standing in for a backend: joins the node, keeps its"
          + " lease, and prints fence, unfence and drain events with their times.",
      "Stops on Ctrl-C (exit 0) or after --duration; stopping ends the lease stream but does not"
          + " leave the ring (the node goes DOWN after the lease TTL)."
    })
final class NodeAgentCommand extends RegionCommand {
  /** Longest --duration. */
  static final Duration DURATION_MAX = Duration.ofDays(365);

  @Parameters(index = "0", paramLabel = "NODE", description = "The node.")
  String node;

  @Mixin RingOption ring;

  @Option(
      names = "--address",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Where the node serves its sessions.")
  String address;

  @Mixin NodeOptions nodeOptions;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Stop after this long, 1ms to 365d (default: run until Ctrl-C).")
  Duration duration;

  @Mixin Logging.Options logging;

  @Override
  void validate(Usage usage) {
    usage.nodeId("NODE", node);
    ring.check(usage);
    usage.hostPort("--address", address);
    nodeOptions.check(usage);
    if (duration != null) {
      usage.range("--duration", duration, Duration.ofMillis(1), DURATION_MAX);
    }
  }

  @Override
  void logLevel() {
    logging.apply("warn");
  }

  @Override
  int run(TetherClient client) throws InterruptedException {
    NodeAgent agent =
        client
            .nodeAgent(ring.ring(), node, address)
            .weight(nodeOptions.weight)
            .zone(nodeOptions.zone)
            .onFence(() -> event("fenced", "no lease renewal confirmed: stop serving sessions"))
            .onUnfence(() -> event("unfenced", "the lease is renewed: serve sessions again"))
            .onDrain(d -> event("draining", "hand sessions off before " + d, d))
            .start();
    event("joined", "ring " + ring.ring() + " as " + Show.state(agent.state()));
    CountDownLatch stopped = new CountDownLatch(1);
    StopHook hook =
        StopHook.install(
            "tether-node-agent-stop",
            () -> {
              agent.stop();
              event("stopped", "the lease stream is closed; the node stays until its lease ends");
              stopped.countDown();
            });
    try {
      if (duration == null) {
        stopped.await();
      } else {
        Thread.sleep(duration.toMillis());
      }
    } finally {
      hook.remove();
    }
    agent.stop();
    event("stopped", "the lease stream is closed; the node stays until its lease ends");
    return ExitCodes.OK;
  }

  private void event(String name, String detail) {
    event(name, detail, null);
  }

  /** Prints one event; callbacks come from the agent's thread, so printing is serialised. */
  private synchronized void event(String name, String detail, Instant deadline) {
    String now = Show.now();
    if (json()) {
      ObjectNode o = Json.object();
      o.put("time", now);
      o.put("event", name);
      o.put("ring", ring.ring());
      o.put("node", node);
      if (deadline != null) {
        o.put("drain_deadline", deadline.toString());
      }
      o.put("detail", detail);
      println(Json.line(o));
    } else {
      println(now + " " + node + " " + name + ": " + detail);
    }
  }
}
