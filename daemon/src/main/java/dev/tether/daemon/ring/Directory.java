package dev.tether.daemon.ring;

import dev.tether.daemon.config.DaemonConfig;
import dev.tether.proto.internal.DaemonRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemons of the region and their addresses: the bootstrap peers from the config, updated from
 * the region catalog (RegisterDaemon) as it changes.
 */
public final class Directory {
  private final String selfId;
  private final Map<String, DaemonRecord> daemons = new ConcurrentHashMap<>();

  public Directory(DaemonConfig config) {
    this.selfId = config.id();
    for (DaemonConfig.Peer p : config.peers()) {
      daemons.put(p.id(), record(p));
    }
    daemons.put(config.id(), record(config.self()));
  }

  static DaemonRecord record(DaemonConfig.Peer p) {
    return DaemonRecord.newBuilder()
        .setId(p.id())
        .setRaftAddress(p.raftAddress().toString())
        .setApiAddress(p.apiAddress().toString())
        .setHttpAddress(p.httpAddress() == null ? "" : p.httpAddress().toString())
        .build();
  }

  /** Merges the daemons registered in the catalog. */
  public void update(Collection<DaemonRecord> registered) {
    for (DaemonRecord d : registered) {
      daemons.put(d.getId(), d);
    }
  }

  public void remove(String id) {
    if (!id.equals(selfId)) {
      daemons.remove(id);
    }
  }

  public Optional<DaemonRecord> get(String id) {
    return Optional.ofNullable(daemons.get(id));
  }

  /** Every known daemon, this one included, sorted by id. */
  public List<DaemonRecord> all() {
    List<DaemonRecord> out = new ArrayList<>(daemons.values());
    out.sort((a, b) -> a.getId().compareTo(b.getId()));
    return out;
  }

  /** API addresses of the other daemons. */
  public List<String> otherApiAddresses() {
    List<String> out = new ArrayList<>();
    for (DaemonRecord d : all()) {
      if (!d.getId().equals(selfId)) {
        out.add(d.getApiAddress());
      }
    }
    return out;
  }
}
