package dev.tether.chaos.net;

import java.util.ArrayList;
import java.util.List;

/**
 * Daemons in network namespaces on a bridge (the CI mode; needs root, or a user namespace).
 *
 * <p>Runs only inside a throwaway network and mount namespace that the harness made for itself
 * ({@link Isolation}): it refuses to start where any interface but loopback exists, and mounts a
 * private tmpfs on /run/netns, so nothing it creates survives the run. The harness's namespace
 * holds the bridge with {@link #HARNESS_IP}; daemon {@code i} lives in namespace {@code cd<i>} at
 * {@code 10.231.0.(10+i)}. No default route exists: packets cannot leave.
 *
 * <p>Faults are nftables rules inside each daemon's namespace that drop traffic from and to other
 * daemons' addresses (every port: Raft, and the API port the daemons use to forward lease
 * renewals), never the harness's: clients still reach every daemon. Loss is {@code numgen random}.
 */
public final class NetnsNetwork implements Network {
  public static final String SUBNET = "10.231.0";
  public static final String HARNESS_IP = SUBNET + ".1";
  static final String BRIDGE = "chbr";

  private final int daemons;

  private NetnsNetwork(int daemons) {
    this.daemons = daemons;
  }

  /** Builds the bridge and one namespace per daemon. */
  public static NetnsNetwork create(int daemons) {
    checkFreshNamespace();
    Shell.run(List.of("mkdir", "-p", "/run/netns"));
    Shell.run(List.of("mount", "-t", "tmpfs", "chaos-netns", "/run/netns"));
    StringBuilder batch = new StringBuilder();
    batch.append("link set lo up\n");
    batch.append("link add ").append(BRIDGE).append(" type bridge\n");
    batch.append("addr add ").append(HARNESS_IP).append("/24 dev ").append(BRIDGE).append('\n');
    batch.append("link set ").append(BRIDGE).append(" up\n");
    for (int i = 1; i <= daemons; i++) {
      String ns = ns(i);
      batch.append("netns add ").append(ns).append('\n');
      batch.append("link add cv").append(i).append(" type veth peer name ce").append(i);
      batch.append('\n');
      batch.append("link set ce").append(i).append(" netns ").append(ns).append('\n');
      batch.append("link set cv").append(i).append(" master ").append(BRIDGE).append(" up\n");
    }
    Shell.run(List.of("ip", "-batch", "-"), batch.toString());
    for (int i = 1; i <= daemons; i++) {
      String ns = ns(i);
      StringBuilder in = new StringBuilder();
      in.append("link set ce").append(i).append(" name eth0\n");
      in.append("addr add ").append(ip(i)).append("/24 dev eth0\n");
      in.append("link set eth0 up\n");
      in.append("link set lo up\n");
      Shell.run(List.of("ip", "-n", ns, "-batch", "-"), in.toString());
      Shell.run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), rulesetOf());
    }
    return new NetnsNetwork(daemons);
  }

  /** Refuses to touch a namespace that has any interface but loopback (e.g. the host's). */
  static void checkFreshNamespace() {
    String links = Shell.run(List.of("ip", "-o", "link", "show"));
    for (String line : links.split("\n")) {
      if (!line.isBlank() && !line.contains(": lo:")) {
        throw new IllegalStateException(
            "netns mode runs only inside the harness's own network namespace, but this one has: "
                + line.strip());
      }
    }
  }

  private static String rulesetOf() {
    return """
        table inet chaos {
          set blocked { type ipv4_addr; }
          chain input { type filter hook input priority 0; policy accept; ip saddr @blocked drop; }
          chain output { type filter hook output priority 0; policy accept; ip daddr @blocked drop; }
          chain loss_in { type filter hook input priority 1; policy accept; }
          chain loss_out { type filter hook output priority 1; policy accept; }
        }
        """;
  }

  static String ns(int i) {
    return "cd" + i;
  }

  static String ip(int i) {
    return SUBNET + "." + (10 + i);
  }

  @Override
  public String mode() {
    return "netns";
  }

  @Override
  public int daemons() {
    return daemons;
  }

  @Override
  public DaemonAddress address(int daemon) {
    return new DaemonAddress("d" + daemon, ip(daemon), ip(daemon));
  }

  @Override
  public List<String> launchPrefix(int daemon) {
    return List.of("ip", "netns", "exec", ns(daemon));
  }

  @Override
  public List<String> jvmOptions(int daemon) {
    return List.of();
  }

  @Override
  public synchronized void partition(Partition p) {
    for (int d = 1; d <= daemons; d++) {
      StringBuilder s = new StringBuilder("flush set inet chaos blocked\n");
      List<String> ips = new ArrayList<>();
      for (int o : p.blockedFrom(d)) {
        ips.add(ip(o));
      }
      if (!ips.isEmpty()) {
        s.append("add element inet chaos blocked { ").append(String.join(", ", ips)).append(" }\n");
      }
      nft(d, s.toString());
    }
  }

  @Override
  public synchronized void loss(int daemon, int percent) {
    String peers = SUBNET + ".0/24";
    StringBuilder s =
        new StringBuilder("flush chain inet chaos loss_in\nflush chain inet chaos loss_out\n");
    if (percent > 0) {
      s.append("add rule inet chaos loss_in ip saddr ")
          .append(peers)
          .append(" ip saddr != ")
          .append(HARNESS_IP)
          .append(" numgen random mod 100 lt ")
          .append(percent)
          .append(" drop\n");
      s.append("add rule inet chaos loss_out ip daddr ")
          .append(peers)
          .append(" ip daddr != ")
          .append(HARNESS_IP)
          .append(" numgen random mod 100 lt ")
          .append(percent)
          .append(" drop\n");
    }
    nft(daemon, s.toString());
  }

  private static void nft(int daemon, String script) {
    Shell.run(List.of("ip", "netns", "exec", ns(daemon), "nft", "-f", "-"), script);
  }

  @Override
  public boolean supportsLinkFaults() {
    return false;
  }

  @Override
  public void delay(long delayMs, long jitterMs) {
    throw new UnsupportedOperationException(
        "this kernel has no tc netem: link delays need the relay network (--network relay)");
  }

  @Override
  public void stall(int from, int to) {
    throw new UnsupportedOperationException(
        "one-way stalls need the relay network (--network relay)");
  }

  @Override
  public synchronized void heal() {
    partition(Partition.none(daemons));
    for (int d = 1; d <= daemons; d++) {
      loss(d, 0);
    }
  }

  @Override
  public void close() {
    // Everything lives in the run's namespaces and disappears with them; removing the namespaces
    // early also stops anything left in them.
    for (int i = 1; i <= daemons; i++) {
      Shell.tryRun(List.of("ip", "netns", "del", ns(i)), null);
    }
  }
}
