package dev.tether.chaos.cluster;

import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.StatusRequest;
import dev.tether.api.v1.StatusResponse;
import dev.tether.chaos.net.DaemonAddress;
import dev.tether.chaos.net.Network;
import dev.tether.client.TetherClient;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The daemons under test: real {@code DaemonMain} processes, each beside its place in the {@link
 * Network}, with its config, data directory and log under the run directory; and one admin client
 * per daemon (bound to that daemon alone) for status polls and admin calls.
 */
public final class Cluster implements AutoCloseable {
  static final String DAEMON_MAIN = "dev.tether.daemon.DaemonMain";

  /** Deadline of the harness's status and admin calls. */
  public static final Duration ADMIN_DEADLINE = Duration.ofMillis(1_500);

  private final Network network;
  private final ClusterSpec spec;
  private final Path dir;
  private final List<ManagedProcess> daemons = new ArrayList<>();
  private final Map<Integer, TetherClient> admins = new ConcurrentHashMap<>();
  private final Map<Integer, AdminServiceGrpc.AdminServiceBlockingStub> stubs =
      new ConcurrentHashMap<>();
  private final List<ManagedChannel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Cluster(Network network, ClusterSpec spec, Path dir) {
    this.network = network;
    this.spec = spec;
    this.dir = dir;
    try {
      Files.createDirectories(dir.resolve("logs"));
      Files.createDirectories(dir.resolve("config"));
      for (int i = 1; i <= spec.daemons(); i++) {
        Path data = dir.resolve("data").resolve("d" + i);
        Files.createDirectories(data);
        Path config = dir.resolve("config").resolve("d" + i + ".yaml");
        Files.writeString(config, spec.yaml(network, i, data));
        List<String> cmd =
            Jvm.command(
                network.launchPrefix(i),
                spec.heapMb(),
                network.jvmOptions(i),
                DAEMON_MAIN,
                List.of("--config", config.toAbsolutePath().toString()));
        daemons.add(
            new ManagedProcess("d" + i, cmd, dir.resolve("logs").resolve("d" + i + ".log"), false));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Network network() {
    return network;
  }

  public ClusterSpec spec() {
    return spec;
  }

  public int size() {
    return spec.daemons();
  }

  public List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= size(); i++) {
      ids.add("d" + i);
    }
    return ids;
  }

  public DaemonAddress address(int i) {
    return network.address(i);
  }

  public ManagedProcess daemon(int i) {
    return daemons.get(i - 1);
  }

  /** 1-based index of a daemon id such as {@code d2}. */
  public static int index(String id) {
    return Integer.parseInt(id.substring(1));
  }

  public Path logOf(int i) {
    return dir.resolve("logs").resolve("d" + i + ".log");
  }

  public void startAll() throws IOException {
    for (ManagedProcess p : daemons) {
      p.start();
    }
  }

  public void start(int i) throws IOException {
    daemon(i).start();
  }

  /** Longest wait for a restarted daemon's API: a JVM start takes seconds on two shared cores. */
  public static final Duration RESTART_MAX = Duration.ofSeconds(90);

  /**
   * Waits until daemon {@code i} answers Status (its JVM is up and its API listening), at most
   * {@link #RESTART_MAX}; true when it does. A kill is in force until then, so that recovery is
   * measured from the restart, not from how long a JVM takes to boot on this machine.
   */
  public boolean awaitAnswering(int i) throws InterruptedException {
    long until = System.nanoTime() + RESTART_MAX.toNanos();
    while (System.nanoTime() < until) {
      if (daemon(i).alive() && status(i, false, Duration.ofMillis(500)).isPresent()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** A client bound to daemon {@code i} only: status polls and admin calls. */
  public TetherClient admin(int i) {
    return admins.computeIfAbsent(
        i,
        k ->
            TetherClient.builder()
                .endpoints(List.of(network.address(k).clientApi()))
                .deadline(ADMIN_DEADLINE)
                .retryBudget(1)
                .build());
  }

  /** Daemon {@code i}'s Status, or empty when it does not answer within {@code deadline}. */
  public Optional<StatusResponse> status(int i, boolean digests, Duration deadline) {
    AdminServiceGrpc.AdminServiceBlockingStub stub =
        stubs.computeIfAbsent(
            i,
            k -> {
              DaemonAddress a = network.address(k);
              ManagedChannel ch =
                  Grpc.newChannelBuilderForAddress(
                          a.clientHost(),
                          DaemonAddress.API_PORT,
                          InsecureChannelCredentials.create())
                      .build();
              channels.add(ch);
              return AdminServiceGrpc.newBlockingStub(ch);
            });
    try {
      return Optional.of(
          stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
              .status(StatusRequest.newBuilder().setIncludeDigests(digests).build()));
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    List<Thread> stopping = new ArrayList<>();
    for (ManagedProcess p : daemons) {
      Thread t = new Thread(p::stop, "stop-" + p.name());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (TetherClient c : admins.values()) {
      c.close();
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }
}
