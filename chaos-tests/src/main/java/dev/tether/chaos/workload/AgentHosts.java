package dev.tether.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.chaos.cluster.Jvm;
import dev.tether.chaos.cluster.ManagedProcess;
import dev.tether.chaos.history.AgentEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.net.Network;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harness's side of the {@link AgentHostMain} processes, one beside each daemon: starts them,
 * sends them commands, and records every agent event in the history. Remembers where each node's
 * agent lives.
 */
public final class AgentHosts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentHosts.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Heap of an agent host JVM, MB. */
  static final int HEAP_MB = 64;

  private final History history;
  private final List<ManagedProcess> hosts = new ArrayList<>();
  private final Map<String, Integer> homes = new ConcurrentHashMap<>();

  public AgentHosts(Network network, String ring, Path logs, History history) {
    this.history = history;
    for (int i = 1; i <= network.daemons(); i++) {
      List<String> cmd =
          Jvm.command(
              network.launchPrefix(i),
              HEAP_MB,
              network.jvmOptions(i),
              AgentHostMain.class.getName(),
              List.of("--endpoint", network.address(i).api(), "--ring", ring));
      hosts.add(
          new ManagedProcess("agents-d" + i, cmd, logs.resolve("agents-d" + i + ".log"), true));
    }
  }

  public void startAll() throws IOException {
    for (int i = 1; i <= hosts.size(); i++) {
      int host = i;
      Process p = hosts.get(i - 1).start();
      Thread t = new Thread(() -> pump(host, p), "agent-events-d" + i);
      t.setDaemon(true);
      t.start();
    }
  }

  private void pump(int host, Process p) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        try {
          JsonNode n = JSON.readTree(line);
          history.add(
              new AgentEvent(
                  history.fromWallMillis(n.get("wallMs").asLong()),
                  n.get("node").asText(),
                  "d" + host,
                  n.get("event").asText(),
                  n.get("detail").asText()));
        } catch (IOException | RuntimeException e) {
          LOG.warn("agent host d{}: unreadable line '{}'", host, line);
        }
      }
    } catch (IOException e) {
      LOG.debug("agent host d{} output ended: {}", host, e.toString());
    }
  }

  /** Starts (joins) {@code node} beside daemon {@code host}. */
  public void start(String node, int host) {
    homes.put(node, host);
    send(host, "start " + node);
  }

  /** Stops the lease of {@code node}: it will expire. */
  public void stop(String node) {
    Integer host = homes.get(node);
    if (host != null) {
      send(host, "stop " + node);
    }
  }

  /** The daemon a node's agent lives beside, or 0. */
  public int home(String node) {
    return homes.getOrDefault(node, 0);
  }

  public Map<String, Integer> homes() {
    return Map.copyOf(homes);
  }

  private void send(int host, String command) {
    ManagedProcess p = hosts.get(host - 1);
    try {
      OutputStream in = pipe(p);
      synchronized (in) {
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("agent host d" + host + " is gone", e);
    }
  }

  private static OutputStream pipe(ManagedProcess p) throws IOException {
    if (!p.alive()) {
      throw new IOException(p.name() + " is not running");
    }
    return p.stdin();
  }

  @Override
  public void close() {
    for (ManagedProcess p : hosts) {
      try {
        OutputStream in = p.stdin();
        in.write("exit\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException | RuntimeException e) {
        // stopping below anyway
      }
    }
    for (ManagedProcess p : hosts) {
      p.stop();
    }
  }
}
