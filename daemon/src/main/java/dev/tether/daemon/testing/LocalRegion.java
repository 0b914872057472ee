package dev.tether.daemon.testing;

import dev.tether.daemon.Daemon;
import dev.tether.daemon.config.ConfigLoader;
import dev.tether.daemon.config.DaemonConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A region of daemons on loopback in this JVM: what {@code tether up} runs and what tests use.
 * Daemon {@code i} (1-based) listens on {@code basePort + 10(i-1) + 1} (Raft), {@code + 2} (API)
 * and {@code + 3} (HTTP), and keeps its data in {@code dataDir/d<i>}.
 */
public final class LocalRegion implements AutoCloseable {
  /** Most daemons a local region runs. */
  public static final int DAEMONS_MAX = 9;

  private final Path dataDir;
  private final int basePort;
  private final int size;
  private final Map<String, String> overrides;
  private final Daemon[] daemons;

  private LocalRegion(Path dataDir, int size, int basePort, Map<String, String> overrides) {
    this.dataDir = dataDir;
    this.size = size;
    this.basePort = basePort;
    this.overrides = overrides;
    this.daemons = new Daemon[size];
  }

  /** Starts {@code size} daemons (reusing their data if {@code dataDir} holds some). */
  public static LocalRegion start(
      Path dataDir, int size, int basePort, Map<String, String> overrides) throws IOException {
    if (size < 1 || size > DAEMONS_MAX) {
      throw new IllegalArgumentException(
          "daemons is " + size + ", must be in [1, " + DAEMONS_MAX + "]");
    }
    if (basePort < 1024 || basePort + 10 * size > 65_535) {
      throw new IllegalArgumentException(
          "base port " + basePort + " must be in [1024, " + (65_535 - 10 * size) + "]");
    }
    LocalRegion region = new LocalRegion(dataDir, size, basePort, overrides);
    try {
      for (int i = 1; i <= size; i++) {
        region.start(i);
      }
    } catch (IOException | RuntimeException e) {
      region.close();
      throw e;
    }
    return region;
  }

  /**
   * Starts daemon {@code i} beyond the region's size, empty and waiting for AddDaemon ({@code join:
   * true}); the caller closes it.
   */
  public Daemon startJoining(int i) throws IOException {
    if (i <= size || i > DAEMONS_MAX) {
      throw new IllegalArgumentException(
          "a joining daemon is one of " + (size + 1) + ".." + DAEMONS_MAX + ", not " + i);
    }
    Map<String, String> o = new HashMap<>(overrides);
    o.put("join", "true");
    return Daemon.start(config(i, o), "local");
  }

  /** The config of daemon {@code i} (1-based). */
  public DaemonConfig config(int i) {
    return config(i, new HashMap<>(overrides));
  }

  private DaemonConfig config(int i, Map<String, String> o) {
    o.put("id", "d" + i);
    o.put("data_dir", dataDir.resolve("d" + i).toString());
    o.put("raft_address", "127.0.0.1:" + port(i, 1));
    o.put("api_address", "127.0.0.1:" + port(i, 2));
    o.put("http_address", "127.0.0.1:" + port(i, 3));
    o.putIfAbsent("region", "local");
    StringBuilder yaml = new StringBuilder("peers:\n");
    for (int p = 1; p <= size; p++) {
      yaml.append("  - id: d")
          .append(p)
          .append('\n')
          .append("    raft_address: 127.0.0.1:")
          .append(port(p, 1))
          .append('\n')
          .append("    api_address: 127.0.0.1:")
          .append(port(p, 2))
          .append('\n')
          .append("    http_address: 127.0.0.1:")
          .append(port(p, 3))
          .append('\n');
    }
    return ConfigLoader.parse(yaml.toString(), o);
  }

  private int port(int daemon, int offset) {
    return basePort + 10 * (daemon - 1) + offset;
  }

  /** Starts daemon {@code i} (after {@link #stop}). */
  public void start(int i) throws IOException {
    daemons[i - 1] = Daemon.start(config(i), "local");
  }

  /** Stops daemon {@code i}. */
  public void stop(int i) {
    if (daemons[i - 1] != null) {
      daemons[i - 1].close();
      daemons[i - 1] = null;
    }
  }

  /** The running daemon {@code i}, or null when stopped. */
  public Daemon daemon(int i) {
    return daemons[i - 1];
  }

  public int size() {
    return size;
  }

  /** API addresses of all daemons, {@code host:port}. */
  public List<String> apiAddresses() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      out.add("127.0.0.1:" + port(i, 2));
    }
    return out;
  }

  /** HTTP addresses of all daemons. */
  public List<String> httpAddresses() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      out.add("127.0.0.1:" + port(i, 3));
    }
    return out;
  }

  @Override
  public void close() {
    // Close in parallel: each Raft server takes a second or more to close its channels.
    List<Thread> closing = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      int n = i;
      Thread t = new Thread(() -> stop(n), "close-d" + n);
      t.start();
      closing.add(t);
    }
    for (Thread t : closing) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
