package dev.tether.bench.peers;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A three-member etcd cluster on loopback, started exactly as in performance-anchors.md section
 * 4.1: member {@code i} (1-based) serves clients on {@code clientBase + 1000(i-1)} and peers on
 * that port + 1, with its data in {@code dir/n<i>.etcd}. The timeouts are etcd's flags.
 */
final class EtcdCluster implements AutoCloseable {
  /** How long a cluster may take to become healthy, milliseconds. */
  static final long START_MS_MAX = 30_000;

  /** etcd's space quota: large enough that no run trips the NOSPACE alarm (no compaction runs). */
  static final long QUOTA_BYTES = 8L << 30;

  static final int SIZE = 3;

  private final Procs procs;
  private final Path dir;
  private final int clientBase;
  private final int heartbeatMs;
  private final int electionMs;
  private final Path logDir;

  EtcdCluster(Procs procs, Path dir, Path logDir, int clientBase, int heartbeatMs, int electionMs) {
    this.procs = procs;
    this.logDir = logDir;
    this.dir = dir;
    this.clientBase = clientBase;
    this.heartbeatMs = heartbeatMs;
    this.electionMs = electionMs;
  }

  String label() {
    return "etcd --heartbeat-interval=" + heartbeatMs + " --election-timeout=" + electionMs;
  }

  int clientPort(int i) {
    return clientBase + 1000 * (i - 1);
  }

  String endpoint(int i) {
    return "http://127.0.0.1:" + clientPort(i);
  }

  List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= SIZE; i++) {
      out.add(endpoint(i));
    }
    return out;
  }

  private String name(int i) {
    return "etcd-n" + i;
  }

  void start() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    for (int i = 1; i <= SIZE; i++) {
      startMember(i);
    }
    awaitHealthy();
  }

  void startMember(int i) throws IOException {
    StringBuilder cluster = new StringBuilder();
    for (int p = 1; p <= SIZE; p++) {
      if (p > 1) {
        cluster.append(',');
      }
      cluster.append("n").append(p).append("=http://127.0.0.1:").append(clientPort(p) + 1);
    }
    String peer = "http://127.0.0.1:" + (clientPort(i) + 1);
    List<String> cmd =
        List.of(
            "etcd",
            "--name",
            "n" + i,
            "--data-dir",
            dir.resolve("n" + i + ".etcd").toString(),
            "--listen-client-urls",
            endpoint(i),
            "--advertise-client-urls",
            endpoint(i),
            "--listen-peer-urls",
            peer,
            "--initial-advertise-peer-urls",
            peer,
            "--initial-cluster",
            cluster.toString(),
            "--initial-cluster-token",
            "tether-bench",
            "--initial-cluster-state",
            "new",
            "--heartbeat-interval",
            Integer.toString(heartbeatMs),
            "--election-timeout",
            Integer.toString(electionMs),
            "--quota-backend-bytes",
            Long.toString(QUOTA_BYTES),
            "--logger=zap",
            "--log-outputs=" + log(i));
    procs.start(name(i), cmd, logDir.resolve(dir.getFileName() + "-n" + i + ".out"), Map.of());
  }

  private Path log(int i) {
    return logDir.resolve(dir.getFileName() + "-n" + i + ".log");
  }

  void kill9(int i) {
    procs.kill9(name(i));
  }

  /** Waits until every member answers a linearizable read. */
  void awaitHealthy() throws InterruptedException {
    long deadline = System.nanoTime() + START_MS_MAX * 1_000_000;
    for (int i = 1; i <= SIZE; i++) {
      try (Client c = client(i)) {
        while (true) {
          try {
            c.getKVClient()
                .get(ByteSequence.from("health", StandardCharsets.UTF_8))
                .get(1, TimeUnit.SECONDS);
            break;
          } catch (Exception e) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("etcd member " + i + " is not healthy: " + e, e);
            }
            Thread.sleep(200);
          }
        }
      }
    }
  }

  /** A client of member {@code i} alone (one gRPC connection). */
  Client client(int i) {
    return Client.builder()
        .endpoints(endpoint(i))
        .connectTimeout(Duration.ofSeconds(2))
        .keepaliveWithoutCalls(false)
        .build();
  }

  /** A client of all members (jetcd balances and fails over). */
  Client clientAll() {
    return Client.builder()
        .endpoints(endpoints().toArray(new String[0]))
        .connectTimeout(Duration.ofSeconds(2))
        .keepaliveWithoutCalls(false)
        .build();
  }

  /** The 1-based index of the current leader, or 0 when none answers. */
  int leader() {
    try (Client c = clientAll()) {
      for (int i = 1; i <= SIZE; i++) {
        try {
          StatusResponse s =
              c.getMaintenanceClient().statusMember(endpoint(i)).get(2, TimeUnit.SECONDS);
          if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) {
            return i;
          }
        } catch (Exception e) {
          // That member is down; ask the next.
        }
      }
    }
    return 0;
  }

  /** "became leader" lines in every member's log so far: leader changes, for the steady run. */
  int leaderElections() throws IOException {
    int n = 0;
    for (int i = 1; i <= SIZE; i++) {
      Path log = log(i);
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.contains("became leader")) {
            n++;
          }
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    List<Thread> ts = new ArrayList<>();
    for (int i = 1; i <= SIZE; i++) {
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
