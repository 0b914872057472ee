package dev.tether.daemon;

import dev.tether.daemon.config.ConfigException;
import dev.tether.daemon.config.ConfigLoader;
import dev.tether.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bare entry point for one daemon process: {@code --config FILE [--set key.path=value ...]}.
 * Operators use {@code tether daemon} (the CLI), which adds flags on top; test harnesses that spawn
 * daemon processes use this class so they need only the daemon module on the classpath.
 */
public final class DaemonMain {
  private DaemonMain() {}

  /** Exit code when the config is invalid. */
  static final int EXIT_USAGE = 2;

  /** The JDK property that sizes the common fork-join pool. */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * Fewest threads the common pool may have. With fewer than 2 (the JDK default on a 2-CPU machine:
   * CPUs - 1), {@code CompletableFuture}'s {@code *Async} stages run on a new thread per task;
   * Ratis chains every log append with {@code thenComposeAsync}, so a 2-CPU daemon started and
   * ended a thread per write (profiled in docs/performance.md, "Side by side with etcd").
   *
   * <p>And not just 2: a Ratis client that gives up on a server closes its channel on the thread
   * that saw the failure, a common-pool thread, and waits there for a graceful shutdown (seconds).
   * A lagging follower whose own follower reads kept timing out blocked both threads of a 2-thread
   * pool over and over, and with them the Ratis appends that would have let it catch up: the chaos
   * suite's partition scenarios ended with one replica hundreds of entries behind for good. The
   * waiting threads are idle, so a larger pool costs little.
   */
  static final int COMMON_POOL_PARALLELISM_MIN = 16;

  public static void main(String[] args) throws Exception {
    ensureCommonPool();
    Path config = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else if (args[i].equals("--set") && i + 1 < args.length) {
        String kv = args[++i];
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          System.err.println("--set needs key.path=value, got '" + kv + "'");
          System.exit(EXIT_USAGE);
        }
        overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
      } else {
        System.err.println("usage: DaemonMain --config FILE [--set key.path=value ...]");
        System.exit(EXIT_USAGE);
      }
    }
    DaemonConfig cfg;
    try {
      cfg = ConfigLoader.load(config, overrides);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    Daemon daemon = Daemon.start(cfg, DaemonMain.class.getPackage().getImplementationVersion());
    daemon.awaitTermination();
  }

  /**
   * Sizes the common pool to at least {@link #COMMON_POOL_PARALLELISM_MIN} unless the operator set
   * it; must run before anything touches the pool, hence first in {@code main}.
   */
  static void ensureCommonPool() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() - 1 < COMMON_POOL_PARALLELISM_MIN) {
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(COMMON_POOL_PARALLELISM_MIN));
    }
  }
}
