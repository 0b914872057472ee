package dev.tether.daemon.metrics;

import dev.tether.daemon.ring.Region;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.MigrationReason;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.RingMeta;
import dev.tether.ring.Membership;
import dev.tether.ring.Placement;
import dev.tether.statemachine.core.Event;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.core.RingInspector;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's Prometheus metrics (DESIGN.md section 8). Counters are fed by the API and by the
 * events every replica applies; gauges read the applied state when scraped.
 */
public final class Metrics {
  private static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter lookups;
  private final Histogram lookupSeconds;
  private final Counter commits;
  private final Histogram commitSeconds;
  private final Counter migrations;
  private final Counter leaseExpiries;
  private final Counter leaderChanges;
  private final Map<String, String> lastLeader = new ConcurrentHashMap<>();

  public Metrics() {
    JvmMetrics.builder().register(registry);
    lookups =
        Counter.builder()
            .name("tether_lookups")
            .help("Owner lookups by consistency and outcome")
            .labelNames("consistency", "outcome")
            .register(registry);
    lookupSeconds =
        Histogram.builder()
            .name("tether_lookup_seconds")
            .help("Owner lookup latency")
            .labelNames("consistency")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    commits =
        Counter.builder()
            .name("tether_commits")
            .help("Client writes committed through Raft, by outcome")
            .labelNames("group", "outcome")
            .register(registry);
    commitSeconds =
        Histogram.builder()
            .name("tether_commit_seconds")
            .help("Client write latency until applied")
            .labelNames("group")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    migrations =
        Counter.builder()
            .name("tether_session_migrations")
            .help("Sessions that changed owner, by reason (drain, failure, leave, rebalance, hint)")
            .labelNames("ring", "reason")
            .register(registry);
    leaseExpiries =
        Counter.builder()
            .name("tether_lease_expiries")
            .help("Node leases that expired")
            .labelNames("ring")
            .register(registry);
    leaderChanges =
        Counter.builder()
            .name("tether_leader_changes")
            .help("Leader changes seen by this daemon")
            .labelNames("group")
            .register(registry);
  }

  /** Registers the gauges that read the region's applied state when scraped. */
  public void bind(Region region) {
    GaugeWithCallback.builder()
        .name("tether_ring_epoch")
        .help("Log index of the ring's last membership or policy change")
        .labelNames("ring")
        .callback(
            cb ->
                eachRing(region, (r, meta, nodes, inspector) -> cb.call(meta.getEpoch(), r.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tether_sessions")
        .help("Sessions per node")
        .labelNames("ring", "node")
        .callback(
            cb ->
                eachRing(
                    region,
                    (r, meta, nodes, inspector) -> {
                      for (NodeRecord n : nodes) {
                        cb.call(n.getSessionCount(), r.name(), n.getId());
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tether_load_ratio")
        .help("Largest node load over its weighted fair share (1.0 is perfect balance)")
        .labelNames("ring")
        .callback(
            cb ->
                eachRing(
                    region,
                    (r, meta, nodes, inspector) ->
                        cb.call(loadRatio(inspector.placement(), nodes), r.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tether_rehome_backlog")
        .help("Sessions waiting to move off DOWN, LEFT or deadline-passed DRAINING nodes")
        .labelNames("ring")
        .callback(
            cb ->
                eachRing(
                    region,
                    (r, meta, nodes, inspector) -> {
                      long backlog = 0;
                      for (NodeRecord n : nodes) {
                        if (inspector.owesRehome(n.getId(), meta.getLastTimeMs())) {
                          backlog += n.getSessionCount();
                        }
                      }
                      cb.call(backlog, r.name());
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tether_raft_applied_index")
        .help("Last applied Raft log index")
        .labelNames("group")
        .callback(
            cb -> {
              cb.call(region.regionGroup().appliedIndex(), "region");
              for (RingRuntime r : region.rings()) {
                cb.call(r.group().appliedIndex(), r.name());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("tether_raft_term")
        .help("Current Raft term")
        .labelNames("group")
        .callback(
            cb -> {
              cb.call(region.regionGroup().term(), "region");
              for (RingRuntime r : region.rings()) {
                cb.call(r.group().term(), r.name());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("tether_raft_leader")
        .help("1 when this daemon leads the group")
        .labelNames("group")
        .callback(
            cb -> {
              cb.call(region.regionGroup().isLeader() ? 1 : 0, "region");
              for (RingRuntime r : region.rings()) {
                cb.call(r.group().isLeader() ? 1 : 0, r.name());
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("tether_group_commit_entries")
        .help("Log entries sent by group commit")
        .labelNames("group")
        .callback(
            cb -> {
              for (RingRuntime r : region.rings()) {
                cb.call(r.group().committer().counters()[0], r.name());
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("tether_group_commit_commands")
        .help("Commands carried by group commit (commands / entries = mean batch size)")
        .labelNames("group")
        .callback(
            cb -> {
              for (RingRuntime r : region.rings()) {
                cb.call(r.group().committer().counters()[1], r.name());
              }
            })
        .register(registry);
  }

  private interface RingVisitor {
    void visit(RingRuntime r, RingMeta meta, List<NodeRecord> nodes, RingInspector inspector);
  }

  private static void eachRing(Region region, RingVisitor visitor) {
    for (RingRuntime r : region.rings()) {
      try {
        r.group()
            .stateMachine()
            .read(
                core -> {
                  RingInspector inspector = ((RingCore) core).inspector();
                  RingMeta meta = inspector.meta();
                  if (meta != null) {
                    visitor.visit(r, meta, inspector.nodes(), inspector);
                  }
                  return null;
                });
      } catch (IllegalStateException e) {
        // The group is not hosted (any more): nothing to report.
      }
    }
  }

  /** max over placement members of sessions / (total * weight share). */
  static double loadRatio(Placement placement, List<NodeRecord> nodes) {
    Membership m = placement.membership();
    long total = 0;
    Map<String, Long> counts = new ConcurrentHashMap<>();
    for (NodeRecord n : nodes) {
      counts.put(n.getId(), n.getSessionCount());
      if (m.contains(n.getId())) {
        total += n.getSessionCount();
      }
    }
    if (total == 0 || m.isEmpty()) {
      return 1.0;
    }
    double worst = 0;
    for (int i = 0; i < m.size(); i++) {
      double fair = total * (m.weightMilli(i) / (double) m.totalWeightMilli());
      worst = Math.max(worst, counts.getOrDefault(m.id(i), 0L) / fair);
    }
    return worst;
  }

  public void lookup(String consistency, String outcome, long nanos) {
    lookups.labelValues(consistency, outcome).inc();
    lookupSeconds.labelValues(consistency).observe(nanos / 1e9);
  }

  public void commit(String group, long nanos, boolean ok) {
    commits.labelValues(group, ok ? "ok" : "error").inc();
    commitSeconds.labelValues(group).observe(nanos / 1e9);
  }

  /** Counts the migrations and lease expiries an applied entry reports. */
  public void applied(String ring, List<Event> events) {
    for (Event e : events) {
      if (e instanceof Event.SessionChanged s
          && s.session() != null
          && !s.previousOwner().isEmpty()
          && !s.previousOwner().equals(s.session().getOwner())) {
        migrations.labelValues(ring, reason(s.reason())).inc();
      } else if (e instanceof Event.SessionChanged s
          && s.session() != null
          && s.reason() == MigrationReason.MIGRATION_REASON_HINT
          && s.previousOwner().isEmpty()) {
        migrations.labelValues(ring, "hint").inc();
      } else if (e instanceof Event.LeaseExpired) {
        leaseExpiries.labelValues(ring).inc();
      }
    }
  }

  /** Records the leader a group has now; counts a change. */
  public void leader(String group, String leader) {
    if (leader == null || leader.isEmpty()) {
      return;
    }
    String before = lastLeader.put(group, leader);
    if (before != null && !before.equals(leader)) {
      leaderChanges.labelValues(group).inc();
    }
  }

  static String reason(MigrationReason r) {
    return r.name().replace("MIGRATION_REASON_", "").toLowerCase(Locale.ROOT);
  }

  /** Writes every metric in the Prometheus text format. */
  public void write(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }

  /** The content type of {@link #write}. */
  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
