package dev.tether.daemon;

import dev.tether.daemon.api.ApiServer;
import dev.tether.daemon.config.DaemonConfig;
import dev.tether.daemon.http.HttpEndpoint;
import dev.tether.daemon.metrics.Metrics;
import dev.tether.daemon.ring.EventSink;
import dev.tether.daemon.ring.LeaderDuties;
import dev.tether.daemon.ring.Region;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.daemon.ring.Ticker;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.DaemonRecord;
import dev.tether.proto.internal.RegisterDaemon;
import dev.tether.statemachine.core.Event;
import dev.tether.statemachine.ratis.LeaderClock;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code tether daemon}: the region's Raft groups, the public API, the HTTP port, leader duties
 * and the reconciler, started and stopped as one.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** The version reported when the build did not record one. */
  static final String VERSION_UNKNOWN = "0.1.0-SNAPSHOT";

  /** Period of the reconciler (it also runs on every catalog change). */
  static final long RECONCILE_MS = 500;

  private final DaemonConfig config;
  private final Metrics metrics = new Metrics();
  private final Region region;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService events;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ApiServer api;
  private HttpEndpoint http;
  private volatile boolean registered;

  private Daemon(DaemonConfig config) {
    this.config = config;
    this.scheduler = Executors.newScheduledThreadPool(2, named("tether-duties"));
    this.events = Executors.newSingleThreadExecutor(named("tether-events"));
    EventSink sink =
        new EventSink() {
          @Override
          public void ringApplied(String ring, long index, List<Event> applied) {
            if (applied.isEmpty()) {
              return;
            }
            events.execute(
                () -> {
                  metrics.applied(ring, applied);
                  ApiServer a = api;
                  if (a != null) {
                    a.applied(ring, index, applied);
                  }
                });
          }

          @Override
          public void ringReloaded(String ring, long index) {
            events.execute(
                () -> {
                  ApiServer a = api;
                  if (a != null) {
                    a.reloaded(ring);
                  }
                });
          }
        };
    this.region =
        new Region(
            config, LeaderClock.system(), Ticker.system(), sink, LeaderDuties.DutyListener.NONE);
  }

  private static java.util.concurrent.ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts a daemon; returns once it listens on all its ports. */
  public static Daemon start(DaemonConfig config, String version) throws IOException {
    if (!config.plantedBugs().isEmpty()) {
      LOG.warn(
          "*** TEST-ONLY PLANTED BUGS ENABLED: {} — this daemon is deliberately unsafe ***",
          config.plantedBugs());
    }
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()
        < DaemonMain.COMMON_POOL_PARALLELISM_MIN) {
      LOG.warn(
          "the common fork-join pool has {} thread(s): Ratis appends run there, and Ratis clients"
              + " block its threads while they close channels; start the JVM with"
              + " -D{}={}",
          java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(),
          DaemonMain.COMMON_POOL_PARALLELISM,
          DaemonMain.COMMON_POOL_PARALLELISM_MIN);
    }
    Daemon d = new Daemon(config);
    try {
      d.region.start();
      d.region.onCatalogChange(() -> d.scheduler.execute(d::reconcile));
      d.metrics.bind(d.region);
      d.api = new ApiServer(d.region, d.metrics, version == null ? VERSION_UNKNOWN : version);
      d.http = new HttpEndpoint(config.httpAddress(), d.metrics, d::notReadyReason);
      d.scheduler.scheduleWithFixedDelay(d::reconcile, 0, RECONCILE_MS, TimeUnit.MILLISECONDS);
      d.scheduler.scheduleWithFixedDelay(
          d::duties, config.duties().tickMs(), config.duties().tickMs(), TimeUnit.MILLISECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(d::close, "tether-shutdown"));
      LOG.info(
          "daemon {} of region {} serving: api {}, raft {}, http {}",
          config.id(),
          config.region(),
          config.apiAddress(),
          config.raftAddress(),
          config.httpAddress());
      return d;
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  private void reconcile() {
    try {
      region.reconcile();
      if (!registered && region.regionGroup().leader().isPresent()) {
        register();
      }
      metrics.leader("region", region.regionGroup().leader().orElse(""));
    } catch (RuntimeException e) {
      LOG.warn("reconcile failed: {}", e.toString());
    }
  }

  /** Records this daemon's addresses in the region catalog, once. */
  private void register() {
    DaemonRecord self = region.directory().get(config.id()).orElseThrow();
    boolean known = region.localCatalog().getDaemonsList().stream().anyMatch(self::equals);
    if (known) {
      registered = true;
      return;
    }
    region
        .regionGroup()
        .committer()
        .submit(
            Command.newBuilder()
                .setRegisterDaemon(RegisterDaemon.newBuilder().setDaemon(self))
                .build())
        .orTimeout(5, TimeUnit.SECONDS)
        .whenComplete((r, e) -> registered = e == null && r.getCodeValue() == 0);
  }

  private void duties() {
    for (RingRuntime r : region.rings()) {
      try {
        r.duties().tick();
        metrics.leader(r.name(), r.group().leader().orElse(""));
      } catch (RuntimeException e) {
        LOG.warn("ring {}: duties failed: {}", r.name(), e.toString());
      }
    }
  }

  /** Null when this daemon can serve authoritative answers, else why not. */
  String notReadyReason() {
    if (region.regionGroup().leader().isEmpty()) {
      return "the region group has no leader in reach";
    }
    long limit = 4 * config.timeouts().electionMs();
    long contact = region.regionGroup().msSinceLeaderContact();
    if (contact < 0 || contact > limit) {
      return "no contact with the region leader for " + contact + " ms";
    }
    for (RingRuntime r : region.rings()) {
      long c = r.group().msSinceLeaderContact();
      if (r.group().leader().isEmpty() || c < 0 || c > limit) {
        return "ring " + r.name() + " has no leader in reach";
      }
    }
    return null;
  }

  public Region region() {
    return region;
  }

  public DaemonConfig config() {
    return config;
  }

  /** Blocks until the daemon is closed. */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("daemon {} stopping", config.id());
    scheduler.shutdownNow();
    if (api != null) {
      api.close();
    }
    if (http != null) {
      http.close();
    }
    region.close();
    events.shutdownNow();
    stopped.countDown();
  }
}
