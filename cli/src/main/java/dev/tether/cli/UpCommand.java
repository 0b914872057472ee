package dev.tether.cli;

import dev.tether.api.v1.Policy;
import dev.tether.client.AlreadyExistsException;
import dev.tether.client.NodeAgent;
import dev.tether.client.TetherClient;
import dev.tether.client.TetherException;
import dev.tether.client.UnavailableException;
import dev.tether.daemon.Daemon;
import dev.tether.daemon.testing.LocalRegion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tether up}: a whole local region in this process, for trying Tether out. Daemon {@code i}
 * listens on {@code base+10(i-1)+1} (Raft), {@code +2} (API) and {@code +3} (HTTP) as {@link
 * LocalRegion} lays them out; demo node {@code i} says it serves on {@code base+100+i}.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Starts a local region in this process: the daemons (data under --data-dir), the ring"
          + " `default`, and demo node agents node-1.. keeping their leases. Prints how to talk"
          + " to it, then runs until Ctrl-C, which stops everything cleanly (exit 0).",
      "Running it again with the same --data-dir reuses the data: the ring is kept and the nodes"
          + " rejoin."
    })
final class UpCommand implements Callable<Integer> {
  /** Most daemons (LocalRegion.DAEMONS_MAX). */
  static final int DAEMONS_MAX = LocalRegion.DAEMONS_MAX;

  /** Most demo nodes. */
  static final int NODES_MAX = 64;

  /** Lowest base port (LocalRegion's). */
  static final int BASE_PORT_MIN = 1024;

  /** Highest port. */
  static final int PORT_MAX = 65_535;

  /** Offset of the demo nodes' ports from the base port. */
  static final int NODE_PORT_OFFSET = 100;

  /** The ring `up` creates. */
  static final String RING = "default";

  /** Longest wait for the region to elect leaders and take the ring and the nodes. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Deadline of each call of `up`'s client. Generous: CreateRing waits for the new ring's group to
   * elect a leader on a region that is itself just starting, and a CreateRing that runs out of time
   * before it initialised the ring leaves it uninitialised (see the report on the daemon).
   */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  /** Pause between two tries while the region is starting. */
  static final Duration RETRY_PAUSE = Duration.ofMillis(250);

  @Spec CommandSpec spec;

  @Option(
      names = "--daemons",
      paramLabel = "N",
      description =
          "Daemons, 1 to 9; odd numbers tolerate the most failures (default: ${DEFAULT-VALUE}).")
  int daemons = 3;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Demo nodes in ring `default`, 0 to 64 (default: ${DEFAULT-VALUE}).")
  int nodes = 3;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the daemons keep their data, d1, d2, ... (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of(".tether");

  @Option(
      names = "--base-port",
      paramLabel = "PORT",
      description =
          "Daemon i uses base+10(i-1)+1..3 (Raft, API, HTTP); node i says base+100+i"
              + " (default: ${DEFAULT-VALUE}).")
  int basePort = 7400;

  @Mixin Logging.Options logging;

  @Override
  public Integer call() throws InterruptedException {
    Usage usage = new Usage(spec);
    usage.range("--daemons", daemons, null, 1, "DAEMONS_MAX", DAEMONS_MAX);
    usage.range("--nodes", nodes, 0, NODES_MAX);
    int highest = Math.max(10 * (daemons - 1) + 3, nodes == 0 ? 0 : NODE_PORT_OFFSET + nodes);
    if (basePort < BASE_PORT_MIN || basePort > PORT_MAX - highest) {
      throw usage.error(
          "--base-port is "
              + basePort
              + ", must be in ["
              + BASE_PORT_MIN
              + ", "
              + (PORT_MAX - highest)
              + "] so that every port (up to base+"
              + highest
              + ") is at most "
              + PORT_MAX);
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      throw usage.error("--data-dir " + dataDir + " cannot be created: " + e);
    }
    if (!Files.isWritable(dir)) {
      throw usage.error("--data-dir " + dataDir + " is not writable");
    }
    logging.apply("warn");
    LocalRegion region;
    try {
      region = LocalRegion.start(dir, daemons, basePort, Map.of());
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          ExitCodes.ERROR,
          "the region did not start (is another `tether up` using --data-dir "
              + dataDir
              + " or --base-port "
              + basePort
              + "?): "
              + e,
          e);
    }
    TetherClient client =
        TetherClient.builder().endpoints(region.apiAddresses()).deadline(CALL_DEADLINE).build();
    List<NodeAgent> agents = new CopyOnWriteArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    StopHook hook =
        StopHook.install(
            "tether-up-stop",
            () -> {
              stop(region, client, agents);
              stopped.countDown();
            });
    try {
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      createRing(client, deadline);
      for (int i = 1; i <= nodes; i++) {
        agents.add(startAgent(client, i, deadline));
      }
    } catch (RuntimeException | InterruptedException e) {
      // The hook would end the process with 0: stop here and let the failure's code stand.
      hook.remove();
      stop(region, client, agents);
      throw e;
    }
    printWelcome(region, dir);
    stopped.await();
    return ExitCodes.OK;
  }

  private void createRing(TetherClient client, long deadline) throws InterruptedException {
    while (true) {
      try {
        if (client.listRings().stream().noneMatch(r -> r.getName().equals(RING))) {
          client.createRing(RING, Policy.getDefaultInstance());
        }
        return;
      } catch (AlreadyExistsException e) {
        return;
      } catch (UnavailableException e) {
        pauseOrGiveUp(deadline, "creating ring " + RING, e);
      }
    }
  }

  private NodeAgent startAgent(TetherClient client, int i, long deadline)
      throws InterruptedException {
    String id = "node-" + i;
    String address = "127.0.0.1:" + (basePort + NODE_PORT_OFFSET + i);
    while (true) {
      try {
        NodeAgent agent =
            client
                .nodeAgent(RING, id, address)
                .onFence(() -> event(id, "fenced: no lease renewal confirmed"))
                .onUnfence(() -> event(id, "unfenced: the lease is renewed"))
                .onDrain(d -> event(id, "draining: hand sessions off before " + d))
                .start();
        return agent;
      } catch (UnavailableException e) {
        pauseOrGiveUp(deadline, "joining " + id, e);
      }
    }
  }

  private static void pauseOrGiveUp(long deadline, String what, TetherException e)
      throws InterruptedException {
    if (System.nanoTime() - deadline > 0) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "the region was not ready within "
              + Durations.format(READY_TIMEOUT)
              + " ("
              + what
              + "): "
              + e.getMessage(),
          e);
    }
    Thread.sleep(RETRY_PAUSE.toMillis());
  }

  private synchronized void event(String node, String what) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(Show.now() + " " + node + " " + what);
    out.flush();
  }

  private void printWelcome(LocalRegion region, Path dir) {
    String endpoints = String.join(",", region.apiAddresses());
    String nl = System.lineSeparator();
    StringBuilder s = new StringBuilder();
    s.append("tether up: region `local` with ")
        .append(daemons)
        .append(daemons == 1 ? " daemon" : " daemons")
        .append(", ring `")
        .append(RING)
        .append("` with ")
        .append(nodes)
        .append(" demo nodes (node-1..node-")
        .append(nodes)
        .append(")")
        .append(nl);
    s.append("data:      ")
        .append(dir)
        .append(" (kept: run `tether up` again to reuse it)")
        .append(nl);
    s.append("endpoints: ").append(endpoints).append(nl).append(nl);
    s.append("Talk to it from another shell:").append(nl);
    s.append("  export ")
        .append(RegionOptions.ENDPOINTS_ENV)
        .append('=')
        .append(endpoints)
        .append(nl);
    for (String example :
        List.of(
            "tether cluster status",
            "tether ring show default",
            "tether node list --ring default",
            "tether session open s-1 --ring default",
            "tether owner s-1 --ring default",
            "tether ring watch default",
            "tether node drain node-1 --ring default --wait")) {
      s.append("  ").append(example).append(nl);
    }
    s.append(nl).append("Metrics and health:").append(nl);
    for (String http : region.httpAddresses()) {
      s.append("  http://").append(http).append("/metrics").append(nl);
    }
    s.append(nl)
        .append("Logs: warnings and errors on stderr (--log-level info for more).")
        .append(nl)
        .append("Ctrl-C stops the nodes and the daemons.")
        .append(nl);
    PrintWriter out = spec.commandLine().getOut();
    out.print(s);
    out.flush();
  }

  /** Stops the agents (so no lease is left hanging), then the daemons; runs in the stop hook. */
  private void stop(LocalRegion region, TetherClient client, List<NodeAgent> agents) {
    // Everything is going away: the agents' and Raft's complaints about it are not news.
    Logging.setLogger("dev.tether.client", "error");
    Logging.setLogger("org.apache.ratis", "error");
    PrintWriter out = spec.commandLine().getOut();
    out.println("tether up: stopping " + agents.size() + " nodes and " + daemons + " daemons ...");
    out.flush();
    for (NodeAgent agent : agents) {
      agent.stop();
    }
    client.close();
    List<Daemon> running = new ArrayList<>();
    for (int i = 1; i <= region.size(); i++) {
      if (region.daemon(i) != null) {
        running.add(region.daemon(i));
      }
    }
    region.close();
    for (Daemon d : running) {
      DaemonCommand.close(d);
    }
    out.println("tether up: stopped");
    out.flush();
  }
}
