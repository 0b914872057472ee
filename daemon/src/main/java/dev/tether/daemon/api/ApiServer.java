package dev.tether.daemon.api;

import dev.tether.daemon.metrics.Metrics;
import dev.tether.daemon.ring.Region;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.statemachine.core.Event;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The public gRPC API of a daemon: the four services plus the internal one, on one port. */
public final class ApiServer implements AutoCloseable {
  /**
   * Threads that renew leases. Each renewal waits: for the forward to the leader, or on the leader
   * for the probe entry that confirms it still leads (concurrent renewals share one probe, about a
   * commit's time). Mostly idle threads, so enough of them for a ring's 4096 nodes renewing every
   * third of a short TTL: 32 threads over a ~10 ms probe are ~3,200 renewals/s.
   */
  static final int RENEWAL_THREADS = 32;

  private final Server server;
  private final LeaseForwarder leases;
  private final ExecutorService renewals;
  private final RingWatchers ringWatchers;
  private final SessionWatchers sessionWatchers;
  private final Region region;

  public ApiServer(Region region, Metrics metrics, String version) throws IOException {
    this.region = region;
    ApiSupport api = new ApiSupport(region, metrics);
    AtomicInteger watchers = new AtomicInteger();
    int watchersMax = region.config().api().watchersMax();
    this.ringWatchers = new RingWatchers(api, watchersMax, watchers);
    this.sessionWatchers = new SessionWatchers(api, watchersMax, watchers);
    this.leases = new LeaseForwarder(region);
    this.renewals =
        Executors.newFixedThreadPool(
            RENEWAL_THREADS,
            r -> {
              Thread t = new Thread(r, "tether-renewals");
              t.setDaemon(true);
              return t;
            });
    var address = region.config().apiAddress();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(address.host(), address.port()))
            .maxInboundMessageSize(region.config().api().maxInboundBytes())
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .intercept(new LeaderHeader())
            .addService(new OwnerServiceImpl(api, ringWatchers))
            .addService(
                new MembershipServiceImpl(
                    api, leases, renewals, region.config().api().keepaliveStreamsMax()))
            .addService(new SessionServiceImpl(api, sessionWatchers))
            .addService(new AdminServiceImpl(api, version))
            .addService(new InternalServiceImpl(api))
            .build()
            .start();
  }

  /** Feeds watch streams with what a ring applied (called on the daemon's event thread). */
  public void applied(String ring, long index, List<Event> events) {
    RingRuntime r = region.ring(ring).orElse(null);
    if (r == null) {
      return;
    }
    for (Event e : events) {
      if (e instanceof Event.RingChanged) {
        ringWatchers.changed(ring);
        r.group().propagateCommit();
        break;
      }
    }
    sessionWatchers.applied(r, index, events);
  }

  /** A ring's state was replaced wholesale: every watcher gets the new ring. */
  public void reloaded(String ring) {
    ringWatchers.changed(ring);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    leases.close();
    renewals.shutdownNow();
  }
}
