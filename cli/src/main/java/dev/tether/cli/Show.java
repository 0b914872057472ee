package dev.tether.cli;

import dev.tether.api.v1.MigrationReason;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NodeState;
import dev.tether.api.v1.PlacementPolicy;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.Ring;
import dev.tether.api.v1.Session;
import dev.tether.client.Staleness;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** How the table output shows the API's values: states, policies, times, nodes. */
final class Show {
  private Show() {}

  /** {@code ACTIVE} for {@code NODE_STATE_ACTIVE}. */
  static String state(NodeState state) {
    return state.name().replace("NODE_STATE_", "");
  }

  /** {@code slot-table} or {@code vnode-ring}. */
  static String placement(PlacementPolicy p) {
    return p == PlacementPolicy.PLACEMENT_POLICY_VNODE_RING ? "vnode-ring" : "slot-table";
  }

  /** {@code DRAIN}, or {@code -} when the session never moved. */
  static String migration(MigrationReason reason) {
    return reason == MigrationReason.MIGRATION_REASON_UNSPECIFIED
        ? "-"
        : reason.name().replace("MIGRATION_REASON_", "");
  }

  /** The time now, ISO-8601 UTC to the millisecond, for event lines. */
  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** An ISO-8601 UTC time of a leader timestamp, or {@code -} for 0. */
  static String time(long epochMs) {
    return epochMs == 0 ? "-" : Instant.ofEpochMilli(epochMs).toString();
  }

  /** A weight in capacity units from thousandths: {@code 1}, {@code 0.25}. */
  static String units(long milli) {
    return milli % 1000 == 0
        ? Long.toString(milli / 1000)
        : String.format(Locale.ROOT, "%.3f", milli / 1000.0);
  }

  /** A fraction as a percentage with two decimals. */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
  }

  /** The address, or {@code -} when empty. */
  static String orDash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  /** A table of nodes, one per row. */
  static String nodes(List<Node> nodes) {
    Table t =
        new Table("NODE", "ADDRESS", "STATE", "WEIGHT", "EFFECTIVE", "SESSIONS", "ZONE")
            .textColumns(1, 2, 6);
    for (Node n : nodes) {
      t.row(
          n.getId(),
          n.getAddress(),
          state(n.getState()),
          Integer.toString(n.getWeight()),
          units(n.getEffectiveWeightMilli()),
          Long.toString(n.getSessionCount()),
          orDash(n.getZone()));
    }
    return t.render();
  }

  /** One node, field by field. */
  static String node(Node n) {
    return nodeFields(n).render();
  }

  /** One node's fields, to add more before rendering. */
  static Fields nodeFields(Node n) {
    Fields f =
        new Fields()
            .add("node", n.getId())
            .add("address", n.getAddress())
            .add("state", state(n.getState()))
            .add("weight", Integer.toString(n.getWeight()))
            .add("effective weight", units(n.getEffectiveWeightMilli()))
            .add("sessions", Long.toString(n.getSessionCount()))
            .add("zone", orDash(n.getZone()))
            .add("labels", labels(n.getLabelsMap()))
            .add("joined at", time(n.getJoinedAtMs()))
            .add("state changed at", time(n.getStateChangedMs()));
    if (n.getState() == NodeState.NODE_STATE_DRAINING) {
      f.add("drain deadline", time(n.getDrainDeadlineMs()));
    }
    return f;
  }

  /** {@code k=v,k2=v2} sorted by key, or {@code -}. */
  static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    new TreeMap<>(labels).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /** A ring policy, field by field, into {@code f}. */
  static Fields policy(Fields f, Policy p) {
    return f.add("placement", placement(p.getPlacement()))
        .add("vnodes per unit", Integer.toString(p.getVnodesPerUnit()))
        .add("balance factor", String.format(Locale.ROOT, "%.3f", p.getBalanceFactor()))
        .add("lease ttl", Durations.formatMillis(p.getLeaseTtlMs()))
        .add(
            "session idle ttl",
            p.getSessionIdleTtlMs() == 0
                ? "never"
                : Durations.formatMillis(p.getSessionIdleTtlMs()))
        .add("warmup", Durations.formatMillis(p.getWarmupMs()))
        .add("warmup steps", Integer.toString(p.getWarmupSteps()))
        .add("drain deadline", Durations.formatMillis(p.getDrainDeadlineMs()))
        .add("rehome rate", p.getRehomePerSecond() + "/s")
        .add("state max", p.getStateBytesMax() + " bytes");
  }

  /** A ring with its policy, field by field. */
  static String ring(Ring r) {
    Fields f =
        new Fields()
            .add("ring", r.getName())
            .add("group", r.getGroupId())
            .add("epoch", Long.toString(r.getEpoch()))
            .add("nodes", Integer.toString(r.getNodeCount()))
            .add("sessions", Long.toString(r.getSessionCount()))
            .add("leader", r.getLeader().isEmpty() ? "unknown" : r.getLeader());
    return policy(f, r.getPolicy()).render();
  }

  /** One session's fields (without its state blob), to add more before rendering. */
  static Fields sessionFields(Session s) {
    return new Fields()
        .add("session", s.getId())
        .add("owner", s.hasOwner() ? s.getOwner().getId() : "-")
        .add("owner address", s.hasOwner() ? orDash(s.getOwner().getAddress()) : "-")
        .add("owner state", s.hasOwner() ? state(s.getOwner().getState()) : "-")
        .add("fencing token", Long.toString(s.getFencingToken()))
        .add("state version", Long.toString(s.getStateVersion()))
        .add("state bytes", Integer.toString(s.getStateBytes()))
        .add("created at", time(s.getCreatedMs()))
        .add("touched at", time(s.getTouchedMs()))
        .add("idle ttl", s.getTtlMs() == 0 ? "the ring's" : Durations.formatMillis(s.getTtlMs()))
        .add("last migration", migration(s.getLastMigration()));
  }

  /** The facts of a non-authoritative answer, into {@code f}. */
  static Fields staleness(Fields f, Staleness s) {
    return f.add(
            "ms since leader contact",
            s.msSinceLeaderContact() < 0 ? "never" : Long.toString(s.msSinceLeaderContact()))
        .add("last known leader", s.lastKnownLeader().isEmpty() ? "unknown" : s.lastKnownLeader())
        .add(
            "other daemons",
            s.otherDaemons().isEmpty() ? "none known" : String.join(",", s.otherDaemons()));
  }

  /** Aligned {@code name: value} lines. */
  static final class Fields {
    private final List<String[]> rows = new ArrayList<>();

    Fields add(String name, String value) {
      rows.add(new String[] {name, value});
      return this;
    }

    String render() {
      int width = 0;
      for (String[] r : rows) {
        width = Math.max(width, r[0].length());
      }
      StringBuilder out = new StringBuilder();
      for (String[] r : rows) {
        out.append(r[0])
            .append(':')
            .append(" ".repeat(width - r[0].length() + 1))
            .append(r[1])
            .append(System.lineSeparator());
      }
      return out.toString();
    }
  }
}
