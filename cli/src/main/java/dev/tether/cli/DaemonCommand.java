package dev.tether.cli;

import dev.tether.daemon.Daemon;
import dev.tether.daemon.config.ConfigException;
import dev.tether.daemon.config.ConfigLoader;
import dev.tether.daemon.config.DaemonConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tether daemon}: one daemon of a region in this process, from a YAML config with flags on
 * top. Every config violation is printed, one per line, and exits 2; otherwise the daemon runs
 * until Ctrl-C or SIGTERM and then stops cleanly (exit 0).
 */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs one Tether daemon: the region's Raft groups, the gRPC API and the HTTP port for"
          + " metrics and health. Stops cleanly on Ctrl-C or SIGTERM.",
      "The config is YAML (keys: id, region, data_dir, raft_address, api_address, http_address,"
          + " join, peers, timeouts, raft, group_commit, reads, duties, api); flags and --set"
          + " override its keys. Invalid configs exit 2 with one line per violation."
    })
final class DaemonCommand implements Callable<Integer> {
  /** Longest wait for the daemon to finish closing after a stop request. */
  static final long CLOSE_WAIT_SECONDS = 20;

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The YAML config (optional: without it, flags and --set are the config).")
  Path config;

  @Option(names = "--id", paramLabel = "ID", description = "Overrides `id`.")
  String id;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides `data_dir`.")
  String dataDir;

  @Option(
      names = "--raft-address",
      paramLabel = "HOST:PORT",
      description = "Overrides `raft_address`.")
  String raftAddress;

  @Option(
      names = "--api-address",
      paramLabel = "HOST:PORT",
      description = "Overrides `api_address`.")
  String apiAddress;

  @Option(
      names = "--http-address",
      paramLabel = "HOST:PORT",
      description = "Overrides `http_address`.")
  String httpAddress;

  @Option(
      names = "--join",
      description =
          "Overrides `join`: start empty and wait to be added (`tether cluster add-daemon`).")
  boolean join;

  @Option(
      names = "--set",
      paramLabel = "KEY.PATH=VALUE",
      description = "Overrides any key, repeatable, e.g. --set timeouts.election_ms=500.")
  Map<String, String> set = new LinkedHashMap<>();

  @Mixin Logging.Options logging;

  /** The overrides for ConfigLoader: --set first, then the named flags on top. */
  Map<String, String> overrides() {
    Map<String, String> o = new LinkedHashMap<>(set);
    putIf(o, "id", id);
    putIf(o, "data_dir", dataDir);
    putIf(o, "raft_address", raftAddress);
    putIf(o, "api_address", apiAddress);
    putIf(o, "http_address", httpAddress);
    if (join) {
      o.put("join", "true");
    }
    return o;
  }

  private static void putIf(Map<String, String> o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    DaemonConfig daemonConfig;
    try {
      daemonConfig = ConfigLoader.load(config, overrides());
    } catch (ConfigException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "tether daemon: invalid config"
              + (config == null ? "" : " " + config)
              + ", "
              + e.violations().size()
              + (e.violations().size() == 1 ? " violation:" : " violations:"));
      for (String violation : e.violations()) {
        err.println("  " + violation);
      }
      err.flush();
      return ExitCodes.USAGE;
    }
    logging.apply("info");
    Daemon daemon;
    try {
      daemon = Daemon.start(daemonConfig, TetherCommand.version());
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          ExitCodes.ERROR, "daemon " + daemonConfig.id() + " did not start: " + e, e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "tether daemon "
            + daemonConfig.id()
            + " of region "
            + daemonConfig.region()
            + ": api "
            + daemonConfig.apiAddress()
            + ", raft "
            + daemonConfig.raftAddress()
            + ", http "
            + daemonConfig.httpAddress()
            + "; Ctrl-C or SIGTERM stops it");
    out.flush();
    StopHook hook = StopHook.install("tether-daemon-stop", () -> close(daemon));
    try {
      daemon.awaitTermination();
    } finally {
      hook.remove();
    }
    return ExitCodes.OK;
  }

  /** Closes the daemon, or waits for its own shutdown hook to finish closing it. */
  static void close(Daemon daemon) {
    daemon.close();
    Thread waiter =
        new Thread(
            () -> {
              try {
                daemon.awaitTermination();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiter.start();
    try {
      waiter.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
