package dev.tether.client;

import java.util.List;
import java.util.Objects;

/**
 * How stale a non-authoritative answer may be, as the answering daemon saw it.
 *
 * @param msSinceLeaderContact milliseconds since the daemon last heard from the ring group's
 *     leader; -1 if never
 * @param lastKnownLeader the leader as last known; empty if unknown
 * @param otherDaemons API addresses (host:port) of the region's other daemons, to retry elsewhere
 */
public record Staleness(
    long msSinceLeaderContact, String lastKnownLeader, List<String> otherDaemons) {
  /** Copies the list and checks for nulls. */
  public Staleness {
    Objects.requireNonNull(lastKnownLeader, "lastKnownLeader");
    otherDaemons = List.copyOf(otherDaemons);
  }

  static Staleness fromProto(dev.tether.api.v1.Staleness s) {
    return new Staleness(
        s.getMsSinceLeaderContact(), s.getLastKnownLeader(), s.getOtherDaemonsList());
  }
}
