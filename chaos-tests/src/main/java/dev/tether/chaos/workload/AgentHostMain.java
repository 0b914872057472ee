package dev.tether.chaos.workload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.client.NodeAgent;
import dev.tether.client.TetherClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the backend application servers that live beside one daemon: runs a {@link
 * NodeAgent} per node, bound to that daemon's API, in a process placed like the daemon (in its
 * network namespace, or resolving names through its relay hosts file), so that the agents are cut
 * off exactly when their daemon is.
 *
 * <p>Reads commands on stdin, one per line: {@code start NODE} (join and keep the lease; retried
 * every second until it works or the node is stopped), {@code stop NODE} (end the lease stream; the
 * lease then expires), {@code exit}. Writes one JSON object per line on stdout for every event:
 * {@code {"wallMs":..., "node":..., "event":"started|fenced|unfenced|drain|stopped|start-failed",
 * "detail":...}}, the wall clock read in the callback, so the harness can compare it with the
 * leader's state_changed_ms on the same machine.
 */
public final class AgentHostMain {
  /** Deadline of the agents' calls. */
  static final Duration DEADLINE = Duration.ofMillis(1_000);

  /** Wait between attempts to start an agent, ms. */
  static final long START_RETRY_MS = 1_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream OUT = System.out;

  private final String ring;
  private final TetherClient client;
  private final Map<String, NodeAgent> agents = new ConcurrentHashMap<>();
  private final Map<String, Boolean> wanted = new ConcurrentHashMap<>();
  private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor();

  AgentHostMain(String endpoint, String ring) {
    this.ring = ring;
    this.client =
        TetherClient.builder()
            .endpoints(List.of(endpoint))
            .deadline(DEADLINE)
            .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
            .build();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !args[0].equals("--endpoint") || !args[2].equals("--ring")) {
      System.err.println("usage: AgentHostMain --endpoint HOST:PORT --ring RING");
      System.exit(2);
    }
    AgentHostMain host = new AgentHostMain(args[1], args[3]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.trim().split("\\s+");
      switch (parts[0]) {
        case "start" -> host.start(parts[1]);
        case "stop" -> host.stop(parts[1]);
        case "exit" -> {
          host.close();
          return;
        }
        default -> System.err.println("unknown command: " + line);
      }
    }
    host.close();
  }

  void start(String node) {
    wanted.put(node, true);
    starter.execute(() -> tryStart(node));
  }

  private void tryStart(String node) {
    if (!wanted.getOrDefault(node, false) || agents.containsKey(node)) {
      return;
    }
    try {
      NodeAgent agent =
          client
              .nodeAgent(ring, node, node + ".backend:8080")
              .onFence(() -> emit(node, "fenced", ""))
              .onUnfence(() -> emit(node, "unfenced", ""))
              .onDrain(deadline -> emit(node, "drain", deadline.toString()))
              .start();
      agents.put(node, agent);
      emit(node, agent.isFenced() ? "fenced" : "started", "state " + agent.state());
    } catch (RuntimeException e) {
      emit(node, "start-failed", String.valueOf(e.getMessage()));
      starter.schedule(() -> tryStart(node), START_RETRY_MS, TimeUnit.MILLISECONDS);
    }
  }

  void stop(String node) {
    wanted.put(node, false);
    starter.execute(
        () -> {
          NodeAgent agent = agents.remove(node);
          if (agent != null) {
            agent.stop();
          }
          emit(node, "stopped", "");
        });
  }

  void close() {
    for (String node : agents.keySet()) {
      stop(node);
    }
    starter.shutdown();
    try {
      starter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }

  static void emit(String node, String event, String detail) {
    long wall = System.currentTimeMillis();
    ObjectNode n = JSON.createObjectNode();
    n.put("wallMs", wall);
    n.put("node", node);
    n.put("event", event);
    n.put("detail", detail);
    synchronized (OUT) {
      OUT.println(n);
      OUT.flush();
    }
  }
}
