package dev.tether.chaos.net;

import java.util.ArrayList;
import java.util.List;

/**
 * What this machine lets the harness do, probed at start: whether it can make throwaway network
 * namespaces (as root, or rootless through a user namespace), and with which {@code unshare}
 * prefix.
 */
public record Capabilities(boolean netns, List<String> unsharePrefix, String finding) {
  /** The namespaces the inner harness runs in: net, mount (private /run/netns), pid (cleanup). */
  static final List<String> UNSHARE =
      List.of("unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc", "--kill-child");

  public static Capabilities probe() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("unshare", "ip", "nft")) {
      if (Shell.tryRun(List.of("sh", "-c", "command -v " + tool), null).exitCode() != 0) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      return new Capabilities(
          false, List.of(), "missing " + missing + " (apt-get install -y iproute2 nftables)");
    }
    String test = "ip link set lo up && ip link add t0 type bridge && nft list ruleset >/dev/null";
    List<String> root = new ArrayList<>(UNSHARE);
    root.addAll(List.of("--", "sh", "-c", test));
    Shell.Result asRoot = Shell.tryRun(root, null);
    if (asRoot.exitCode() == 0) {
      return new Capabilities(true, UNSHARE, "network namespaces as root");
    }
    List<String> user = new ArrayList<>(List.of("unshare", "--user", "--map-root-user"));
    user.addAll(UNSHARE.subList(1, UNSHARE.size()));
    List<String> rootless = new ArrayList<>(user);
    rootless.addAll(List.of("--", "sh", "-c", test));
    Shell.Result asUser = Shell.tryRun(rootless, null);
    if (asUser.exitCode() == 0) {
      return new Capabilities(true, user, "network namespaces rootless (user namespace)");
    }
    return new Capabilities(
        false,
        List.of(),
        "no network namespaces: " + asRoot.output().strip() + " / " + asUser.output().strip());
  }
}
