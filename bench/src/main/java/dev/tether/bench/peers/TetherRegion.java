package dev.tether.bench.peers;

import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.CreateRingRequest;
import dev.tether.api.v1.GroupStatus;
import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.StatusRequest;
import dev.tether.api.v1.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Tether region of daemon processes on loopback, one JVM each ({@code DaemonMain}), as fair to
 * etcd's three processes. Daemon {@code i} (1-based) listens on {@code base + 10(i-1) + 1/2/3}
 * (Raft/API/HTTP) like {@code LocalRegion}, keeps its data in {@code dir/d<i>}, and gets the {@code
 * --set} overrides given.
 */
final class TetherRegion implements AutoCloseable {
  /** How long a region may take to become ready, milliseconds. */
  static final long START_MS_MAX = 60_000;

  /** Daemons in the region at bootstrap. */
  static final int SIZE = 3;

  /** Most daemons this harness starts (the bootstrap ones and one that joins later). */
  static final int DAEMONS_MAX = 4;

  private final Procs procs;
  private final Path dir;
  private final int base;
  private final String javaBin;
  private final String classpath;
  private final List<String> jvmArgs;
  private final Map<String, String> overrides;
  private final Path logDir;
  private final ManagedChannel[] channels = new ManagedChannel[DAEMONS_MAX + 1];
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  TetherRegion(
      Procs procs,
      Path dir,
      Path logDir,
      int base,
      String javaBin,
      String classpath,
      List<String> jvmArgs,
      Map<String, String> overrides) {
    this.procs = procs;
    this.dir = dir;
    this.logDir = logDir;
    this.base = base;
    this.javaBin = javaBin;
    this.classpath = classpath;
    this.jvmArgs = jvmArgs;
    this.overrides = new LinkedHashMap<>(overrides);
  }

  String label() {
    return "tether " + overrides;
  }

  int port(int i, int offset) {
    return base + 10 * (i - 1) + offset;
  }

  String api(int i) {
    return "127.0.0.1:" + port(i, 2);
  }

  Path dataDir(int i) {
    return dir.resolve("d" + i);
  }

  String name(int i) {
    return "tether-d" + i;
  }

  long pid(int i) {
    Process p = procs.get(name(i));
    return p == null ? -1 : p.pid();
  }

  void start() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    for (int i = 1; i <= SIZE; i++) {
      startDaemon(i, false);
    }
    for (int i = 1; i <= SIZE; i++) {
      awaitReady(i);
    }
  }

  /** Starts daemon {@code i}; with {@code join} it starts empty and waits for AddDaemon. */
  void startDaemon(int i, boolean join) throws IOException {
    Path config = dir.resolve("d" + i + ".yaml");
    StringBuilder y = new StringBuilder();
    y.append("id: d").append(i).append('\n');
    y.append("region: bench\n");
    y.append("data_dir: ").append(dataDir(i)).append('\n');
    y.append("raft_address: 127.0.0.1:").append(port(i, 1)).append('\n');
    y.append("api_address: 127.0.0.1:").append(port(i, 2)).append('\n');
    y.append("http_address: 127.0.0.1:").append(port(i, 3)).append('\n');
    if (join) {
      y.append("join: true\n");
    }
    y.append("peers:\n");
    for (int p = 1; p <= SIZE; p++) {
      y.append("  - {id: d")
          .append(p)
          .append(", raft_address: 127.0.0.1:")
          .append(port(p, 1))
          .append(", api_address: 127.0.0.1:")
          .append(port(p, 2))
          .append(", http_address: 127.0.0.1:")
          .append(port(p, 3))
          .append("}\n");
    }
    Files.writeString(config, y.toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    for (String a : jvmArgs) {
      cmd.add(a.replace("%p", "d" + i + "-" + System.currentTimeMillis()));
    }
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add("dev.tether.daemon.DaemonMain");
    cmd.add("--config");
    cmd.add(config.toString());
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      cmd.add("--set");
      cmd.add(o.getKey() + "=" + o.getValue());
    }
    procs.start(
        name(i),
        cmd,
        logDir.resolve(dir.getFileName() + "-d" + i + ".log"),
        Map.of("TETHER_LOG_LEVEL", "INFO"));
  }

  void kill9(int i) {
    procs.kill9(name(i));
  }

  void stop(int i) {
    procs.stop(name(i));
  }

  /** Waits until daemon {@code i} answers 200 on /readyz. */
  void awaitReady(int i) throws InterruptedException {
    long deadline = System.nanoTime() + START_MS_MAX * 1_000_000;
    String last = "";
    while (System.nanoTime() < deadline) {
      Process p = procs.get(name(i));
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(
            name(i) + " exited with " + p.exitValue() + "; see its log in " + logDir);
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(i, 3) + "/readyz"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name(i) + " not ready: " + last);
  }

  /** One plaintext channel to daemon {@code i}, shared by the harness (created on first use). */
  synchronized ManagedChannel channel(int i) {
    if (channels[i] == null || channels[i].isShutdown()) {
      channels[i] = newChannel(api(i));
    }
    return channels[i];
  }

  /** A new channel: one HTTP/2 connection; callbacks run on its event loop (no executor hop). */
  static ManagedChannel newChannel(String target) {
    return NettyChannelBuilder.forTarget(target)
        .usePlaintext()
        .directExecutor()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  StatusResponse status(int i) {
    return AdminServiceGrpc.newBlockingStub(channel(i))
        .withDeadlineAfter(2, TimeUnit.SECONDS)
        .status(StatusRequest.getDefaultInstance());
  }

  /** The leader of {@code group}, waiting (bounded) while an election is under way. */
  int awaitLeader(String group) throws InterruptedException {
    long deadline = System.nanoTime() + START_MS_MAX * 1_000_000;
    while (true) {
      int l = leader(group);
      if (l != 0) {
        return l;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(group + " has no leader after " + START_MS_MAX + " ms");
      }
      Thread.sleep(100);
    }
  }

  /** The 1-based daemon that leads {@code group} ("region" or a ring), 0 when none is known. */
  int leader(String group) {
    for (int i = 1; i <= SIZE; i++) {
      try {
        for (GroupStatus g : status(i).getGroupsList()) {
          if (g.getName().equals(group) && g.getRole().equals("LEADER")) {
            return i;
          }
        }
      } catch (StatusRuntimeException e) {
        // That daemon is down; ask the next.
      }
    }
    return 0;
  }

  /**
   * Creates a ring and joins {@code nodes} ACTIVE nodes {@code n1..}; returns once every daemon
   * serves it. A busy machine can make the ring's first election outlast CreateRing's own wait
   * (UNAVAILABLE): the harness then waits for the ring's leader itself.
   */
  void createRing(String ring, Policy policy, int nodes) throws InterruptedException {
    try {
      AdminServiceGrpc.newBlockingStub(channel(1))
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .createRing(CreateRingRequest.newBuilder().setName(ring).setPolicy(policy).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
        throw e;
      }
    }
    long deadline = System.nanoTime() + START_MS_MAX * 1_000_000;
    while (leader(ring) == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "ring " + ring + " has no leader after " + START_MS_MAX + " ms");
      }
      Thread.sleep(200);
    }
    for (int n = 1; n <= nodes; n++) {
      join(ring, "n" + n);
    }
    for (int i = 1; i <= SIZE; i++) {
      awaitReady(i);
    }
  }

  /** Joins (or rejoins) a node, retrying UNAVAILABLE for a while (a ring still starting). */
  void join(String ring, String node) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        joinOnce(ring, node);
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE || attempt >= 30) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private void joinOnce(String ring, String node) {
    MembershipServiceGrpc.newBlockingStub(channel(1))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .join(
            JoinRequest.newBuilder()
                .setRing(ring)
                .setNodeId(node)
                .setAddress("127.0.0.1:" + (19_000 + Math.abs(node.hashCode() % 1000)))
                .setWeight(1)
                .setWarmupMs(0)
                .build());
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      if (c != null) {
        c.shutdownNow();
      }
    }
    List<Thread> ts = new ArrayList<>();
    for (int i = 1; i <= DAEMONS_MAX; i++) {
      String n = name(i);
      Thread t = new Thread(() -> procs.stop(n), "stop-" + n);
      t.start();
      ts.add(t);
    }
    for (Thread t : ts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
