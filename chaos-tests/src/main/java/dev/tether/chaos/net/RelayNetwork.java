package dev.tether.chaos.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Daemons on loopback, each peer link through an in-harness TCP relay (no privileges needed; the
 * only mode that can delay or stall a link, since this kernel has no tc netem).
 *
 * <p>Daemon {@code i} listens on {@code 127.B.0.i} and is configured as {@code d<i>.chaos}. Every
 * process beside daemon {@code i} (the daemon and its node agents) resolves names through its own
 * hosts file ({@code -Djdk.net.hosts.file}): {@code d<i>.chaos} is its daemon, and {@code
 * d<j>.chaos} is {@code 127.B.i.j}, where a relay for the edge i→j listens on the Raft and API
 * ports and forwards to daemon j. So one relay serves each directed edge although Ratis keeps one
 * shared address per peer. The harness resolves every name to the daemon itself.
 */
public final class RelayNetwork implements Network {
  public static final String DOMAIN = ".chaos";

  private final int daemons;
  private final int octet;
  private final Path dir;
  private final Map<String, Link> links = new LinkedHashMap<>();
  private final List<Relay> relays = new ArrayList<>();

  private RelayNetwork(int daemons, int octet, Path dir) {
    this.daemons = daemons;
    this.octet = octet;
    this.dir = dir;
  }

  /** Starts the relays and writes the hosts files under {@code dir}. */
  public static RelayNetwork create(int daemons, int octet, long seed, Path dir) {
    RelayNetwork n = new RelayNetwork(daemons, octet, dir);
    try {
      Files.createDirectories(dir);
      for (int i = 1; i <= daemons; i++) {
        Files.writeString(n.hostsFile(i), n.hostsOf(i));
      }
      for (int i = 1; i <= daemons; i++) {
        for (int j = 1; j <= daemons; j++) {
          if (i == j) {
            continue;
          }
          Link link = new Link("d" + i + "-d" + j, seed * 31 + i * 10L + j);
          n.links.put(key(i, j), link);
          for (int port : List.of(DaemonAddress.RAFT_PORT, DaemonAddress.API_PORT)) {
            n.relays.add(
                new Relay(
                    new InetSocketAddress(n.ip(i, j), port),
                    new InetSocketAddress(n.ip(0, j), port),
                    link));
          }
        }
      }
    } catch (IOException e) {
      n.close();
      throw new UncheckedIOException("starting the relays", e);
    }
    return n;
  }

  /** The hosts file the harness itself must run with: every daemon name resolves to the daemon. */
  public static String harnessHosts(int daemons, int octet) {
    StringBuilder b = new StringBuilder("127.0.0.1 localhost\n");
    for (int j = 1; j <= daemons; j++) {
      b.append("127.").append(octet).append(".0.").append(j).append(" d").append(j);
      b.append(DOMAIN).append('\n');
    }
    return b.toString();
  }

  /**
   * A second octet whose loopback addresses have the daemons' ports free, from {@code first} up.
   */
  public static int freeOctet(int first) {
    for (int b = first; b < 255; b++) {
      if (free("127." + b + ".0.1") && free("127." + b + ".1.2")) {
        return b;
      }
    }
    throw new IllegalStateException("no free 127.x loopback range for the relay network");
  }

  private static boolean free(String ip) {
    for (int port :
        List.of(DaemonAddress.RAFT_PORT, DaemonAddress.API_PORT, DaemonAddress.HTTP_PORT)) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(ip, port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private String hostsOf(int self) {
    StringBuilder b = new StringBuilder("127.0.0.1 localhost\n");
    for (int j = 1; j <= daemons; j++) {
      b.append(j == self ? ip(0, j) : ip(self, j)).append(" d").append(j).append(DOMAIN);
      b.append('\n');
    }
    return b.toString();
  }

  private Path hostsFile(int daemon) {
    return dir.resolve("hosts.d" + daemon);
  }

  /** {@code 127.B.from.to}; from 0 is the daemon itself. */
  private String ip(int from, int to) {
    return "127." + octet + "." + from + "." + to;
  }

  private static String key(int from, int to) {
    return from + ">" + to;
  }

  /** The link from one daemon to another. */
  public Link link(int from, int to) {
    return links.get(key(from, to));
  }

  @Override
  public String mode() {
    return "relay";
  }

  @Override
  public int daemons() {
    return daemons;
  }

  @Override
  public DaemonAddress address(int daemon) {
    return new DaemonAddress("d" + daemon, "d" + daemon + DOMAIN, ip(0, daemon));
  }

  @Override
  public List<String> launchPrefix(int daemon) {
    return List.of();
  }

  @Override
  public List<String> jvmOptions(int daemon) {
    return List.of("-Djdk.net.hosts.file=" + hostsFile(daemon).toAbsolutePath());
  }

  @Override
  public synchronized void partition(Partition p) {
    for (int i = 1; i <= daemons; i++) {
      for (int j = 1; j <= daemons; j++) {
        if (i != j) {
          link(i, j).mode(p.isCut(i, j) ? Link.Mode.STALL : Link.Mode.PASS);
        }
      }
    }
  }

  /** Like {@link #partition} but resetting connections across the cut instead of holding them. */
  public synchronized void drop(Partition p) {
    for (int i = 1; i <= daemons; i++) {
      for (int j = 1; j <= daemons; j++) {
        if (i != j && p.isCut(i, j)) {
          link(i, j).mode(Link.Mode.DROP);
        }
      }
    }
  }

  @Override
  public synchronized void loss(int daemon, int percent) {
    for (int o = 1; o <= daemons; o++) {
      if (o != daemon) {
        link(daemon, o).loss(percent);
        link(o, daemon).loss(percent);
      }
    }
  }

  @Override
  public boolean supportsLinkFaults() {
    return true;
  }

  @Override
  public synchronized void delay(long delayMs, long jitterMs) {
    for (Link l : links.values()) {
      l.delay(delayMs, jitterMs);
    }
  }

  @Override
  public synchronized void stall(int from, int to) {
    link(from, to).mode(Link.Mode.STALL);
  }

  @Override
  public synchronized void heal() {
    for (Link l : links.values()) {
      l.heal();
    }
  }

  @Override
  public synchronized void close() {
    for (Link l : links.values()) {
      l.mode(Link.Mode.DROP);
    }
    for (Relay r : relays) {
      r.close();
    }
  }
}
