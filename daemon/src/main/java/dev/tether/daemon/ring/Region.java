package dev.tether.daemon.ring;

import dev.tether.daemon.config.DaemonConfig;
import dev.tether.daemon.config.PlantedBug;
import dev.tether.proto.internal.Catalog;
import dev.tether.proto.internal.CatalogQuery;
import dev.tether.proto.internal.DaemonRecord;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.RingCatalogEntry;
import dev.tether.proto.internal.RingPolicy;
import dev.tether.statemachine.core.Event;
import dev.tether.statemachine.core.RegionCore;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.ratis.ApplyListener;
import dev.tether.statemachine.ratis.GroupIds;
import dev.tether.statemachine.ratis.LeaderClock;
import dev.tether.statemachine.ratis.TetherStateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This daemon's part of the region: one Ratis {@link RaftServer} hosting the region group (the ring
 * catalog) and one group per ring (multi-raft). The reconciler keeps the local ring groups equal to
 * the catalog: it adds the group of a new ring, removes the group of a deleted one.
 */
public final class Region implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Region.class);
  private static final AtomicLong CALL_IDS = new AtomicLong();

  private final DaemonConfig config;
  private final LeaderClock clock;
  private final Ticker ticker;
  private final EventSink sink;
  private final LeaderDuties.DutyListener dutyListener;
  private final Directory directory;
  private final RaftGroupId regionGroupId;
  private final Path stateDir;
  private final Map<RaftGroupId, String> ringNames = new ConcurrentHashMap<>();
  private final Map<String, RingRuntime> rings = new ConcurrentHashMap<>();
  private final Map<String, RingPolicy> catalogPolicies = new ConcurrentHashMap<>();
  private final ClientId clientId = ClientId.randomId();
  private RaftServer server;
  private volatile GroupHandle region;
  private volatile Runnable onCatalogChange = () -> {};

  public Region(
      DaemonConfig config,
      LeaderClock clock,
      Ticker ticker,
      EventSink sink,
      LeaderDuties.DutyListener dutyListener) {
    this.config = config;
    this.clock = clock;
    this.ticker = ticker;
    this.sink = sink;
    this.dutyListener = dutyListener;
    this.directory = new Directory(config);
    this.regionGroupId = GroupIds.region(config.region());
    this.stateDir = config.dataDir().resolve("state");
  }

  /** Starts the Raft server: recovers existing groups, or bootstraps the region group. */
  public void start() throws IOException {
    Path raftDir = config.dataDir().resolve("raft");
    Files.createDirectories(raftDir);
    Files.createDirectories(stateDir);
    RaftProperties props = config.raft().serverProperties(raftDir, config.raftAddress().port());
    // Listen on the configured address, as the API and HTTP servers do, not on every interface:
    // raft_address is documented as the listen and advertised address, and daemons that share a
    // port on different local addresses (the chaos suite's relays) must not collide.
    GrpcConfigKeys.Server.setHost(props, config.raftAddress().host());
    if (config.has(PlantedBug.NO_FSYNC)) {
      RaftServerConfigKeys.Log.setUseMemory(props, true);
    }
    boolean bootstrap =
        !config.join()
            && !Files.isDirectory(
                raftDir.resolve("groups").resolve(regionGroupId.getUuid().toString()));
    RaftServer.Builder builder =
        RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(config.id()))
            .setProperties(props)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .setStateMachineRegistry(registry());
    if (bootstrap) {
      builder.setGroup(
          RaftGroup.valueOf(
              regionGroupId, peersOf(config.peers().stream().map(DaemonConfig.Peer::id).toList())));
      LOG.info(
          "bootstrapping region {} with daemons {}",
          config.region(),
          config.peers().stream().map(DaemonConfig.Peer::id).toList());
    }
    server = builder.build();
    server.start();
    region = handle(regionGroupId);
  }

  private StateMachine.Registry registry() {
    boolean noWal = config.has(PlantedBug.NO_FSYNC);
    boolean skipFencing = config.has(PlantedBug.SKIP_FENCING);
    ApplyListener listener =
        new ApplyListener() {
          @Override
          public void applied(RaftGroupId group, long index, List<Event> events) {
            if (group.equals(regionGroupId)) {
              if (!events.isEmpty()) {
                onCatalogChange.run();
                // Followers learn this commit now, not with the next heartbeat (GroupHandle).
                GroupHandle handle = region;
                if (handle != null) {
                  handle.propagateCommit();
                }
              }
              return;
            }
            String ring = ringNames.get(group);
            if (ring != null) {
              sink.ringApplied(ring, index, events);
            }
          }

          @Override
          public void reloaded(RaftGroupId group, long index) {
            if (group.equals(regionGroupId)) {
              onCatalogChange.run();
              return;
            }
            String ring = ringNames.get(group);
            if (ring != null) {
              sink.ringReloaded(ring, index);
            }
          }
        };
    return gid ->
        new TetherStateMachine(
            stateDir,
            store ->
                gid.equals(regionGroupId)
                    ? new RegionCore(store)
                    : new RingCore(store, skipFencing),
            clock,
            listener,
            noWal);
  }

  /** Called (on an apply thread) whenever the catalog changes. */
  public void onCatalogChange(Runnable r) {
    this.onCatalogChange = r;
  }

  private List<RaftPeer> peersOf(Collection<String> ids) {
    List<RaftPeer> peers = new ArrayList<>();
    for (String id : ids) {
      DaemonRecord d =
          directory
              .get(id)
              .orElseThrow(() -> new IllegalStateException("no address for daemon " + id));
      peers.add(RaftPeer.newBuilder().setId(id).setAddress(d.getRaftAddress()).build());
    }
    return peers;
  }

  /** The group as hosted here now, or addressed through the directory's daemons. */
  private RaftGroup currentGroup(RaftGroupId gid) {
    try {
      return server.getDivision(gid).getGroup();
    } catch (IOException e) {
      return RaftGroup.valueOf(
          gid, peersOf(directory.all().stream().map(DaemonRecord::getId).toList()));
    }
  }

  /** A handle on a group hosted here, with a client that finds its leader. */
  private GroupHandle handle(RaftGroupId gid) throws IOException {
    RaftGroup group;
    try {
      group = server.getDivision(gid).getGroup();
    } catch (IOException e) {
      // Not hosted yet (a joining daemon): address the bootstrap peers until it is.
      group =
          RaftGroup.valueOf(
              gid, peersOf(directory.all().stream().map(DaemonRecord::getId).toList()));
    }
    return new GroupHandle(
        server,
        gid,
        newClient(group, null),
        leader -> newClient(currentGroup(gid), leader),
        config.timeouts().electionMs(),
        config.groupCommit().maxCommands(),
        config.groupCommit().maxInFlight(),
        config.reads().batchMax(),
        config.reads().inFlightMax());
  }

  RaftClient newClient(RaftGroup group) {
    return newClient(group, null);
  }

  /** A client for {@code group} that sends to {@code leader} first (null: Ratis's choice). */
  RaftClient newClient(RaftGroup group, RaftPeerId leader) {
    RaftClient.Builder b = RaftClient.newBuilder();
    if (leader != null && group.getPeer(leader) != null) {
      b.setLeaderId(leader);
    }
    return b.setProperties(config.raft().clientProperties())
        .setRaftGroup(group)
        .setClientId(ClientId.randomId())
        .setRetryPolicy(config.raft().clientRetryPolicy())
        .build();
  }

  public RaftServer server() {
    return server;
  }

  public DaemonConfig config() {
    return config;
  }

  public GroupHandle regionGroup() {
    return region;
  }

  public RaftGroupId regionGroupId() {
    return regionGroupId;
  }

  public Directory directory() {
    return directory;
  }

  public Optional<RingRuntime> ring(String name) {
    return Optional.ofNullable(rings.get(name));
  }

  public Collection<RingRuntime> rings() {
    return rings.values();
  }

  /** The catalog as this daemon has applied it (no coordination). */
  public Catalog localCatalog() {
    if (region.division().isEmpty()) {
      return Catalog.getDefaultInstance();
    }
    return region
        .stateMachine()
        .queryLocal(Query.newBuilder().setCatalog(CatalogQuery.getDefaultInstance()).build())
        .getCatalog();
  }

  /**
   * Brings the local ring groups in line with the catalog; idempotent, called periodically and on
   * every catalog change.
   */
  public synchronized void reconcile() {
    if (region.division().isEmpty()) {
      return;
    }
    Catalog catalog = localCatalog();
    directory.update(catalog.getDaemonsList());
    Set<String> wanted = new HashSet<>();
    for (RingCatalogEntry e : catalog.getRingsList()) {
      wanted.add(e.getName());
      catalogPolicies.put(e.getName(), e.getPolicy());
      RaftGroupId gid = RaftGroupId.valueOf(java.util.UUID.fromString(e.getGroupId()));
      ringNames.put(gid, e.getName());
      try {
        ensureRing(e, gid);
      } catch (IOException | RuntimeException ex) {
        LOG.warn("ring {}: cannot host its group yet: {}", e.getName(), ex.toString());
      }
    }
    for (RingRuntime r : new ArrayList<>(rings.values())) {
      if (!wanted.contains(r.name())) {
        removeRing(r);
      }
    }
  }

  private void ensureRing(RingCatalogEntry e, RaftGroupId gid) throws IOException {
    boolean hosted = hosts(gid);
    if (!hosted && e.getPeersList().contains(config.id())) {
      RaftGroup group = RaftGroup.valueOf(gid, peersOf(e.getPeersList()));
      RaftClientReply reply =
          server.groupManagement(
              GroupManagementRequest.newAdd(
                  clientId, server.getId(), CALL_IDS.incrementAndGet(), group));
      if (!reply.isSuccess()) {
        throw new IOException("adding group of ring " + e.getName() + ": " + reply.getException());
      }
      LOG.info("ring {}: hosting its group {} with {}", e.getName(), gid, e.getPeersList());
      hosted = true;
    }
    if (hosted && !rings.containsKey(e.getName())) {
      GroupHandle group = handle(gid);
      LeaderDuties duties =
          new LeaderDuties(
              e.getName(),
              group,
              () -> catalogPolicies.get(e.getName()),
              clock,
              ticker,
              config.duties().rehomeBatch(),
              config.duties().expiryScanPerTick(),
              config.has(PlantedBug.LESSOR_IGNORES_LEADERSHIP),
              dutyListener);
      rings.put(e.getName(), new RingRuntime(e.getName(), gid, group, duties));
    }
  }

  private boolean hosts(RaftGroupId gid) throws IOException {
    for (RaftGroupId g : server.getGroupIds()) {
      if (g.equals(gid)) {
        return true;
      }
    }
    return false;
  }

  private void removeRing(RingRuntime r) {
    rings.remove(r.name());
    catalogPolicies.remove(r.name());
    r.group().close();
    try {
      RaftClientReply reply =
          server.groupManagement(
              GroupManagementRequest.newRemove(
                  clientId, server.getId(), CALL_IDS.incrementAndGet(), r.groupId(), true, false));
      LOG.info(
          "ring {}: removed its group ({})",
          r.name(),
          reply.isSuccess() ? "ok" : reply.getException());
      FileUtils.deleteFully(stateDir.resolve(r.groupId().getUuid().toString()));
    } catch (IOException e) {
      LOG.warn("ring {}: removing its group failed: {}", r.name(), e.toString());
    }
    ringNames.remove(r.groupId());
  }

  /** The policy the catalog holds for a ring. */
  public Optional<RingPolicy> catalogPolicy(String ring) {
    return Optional.ofNullable(catalogPolicies.get(ring));
  }

  /** Raft peers of the region group as currently configured. */
  public List<String> regionPeers() {
    return region
        .division()
        .map(d -> d.getGroup().getPeers().stream().map(p -> p.getId().toString()).sorted().toList())
        .orElse(List.of());
  }

  /** A client addressing one server directly (group management on a daemon being added). */
  public RaftClient clientFor(RaftGroupId gid, RaftPeer peer) {
    return newClient(RaftGroup.valueOf(gid, peer));
  }

  /** A Raft peer for a daemon record. */
  public static RaftPeer peer(DaemonRecord d) {
    return RaftPeer.newBuilder().setId(d.getId()).setAddress(d.getRaftAddress()).build();
  }

  @Override
  public void close() {
    for (RingRuntime r : rings.values()) {
      r.group().close();
    }
    if (region != null) {
      region.close();
    }
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        LOG.warn("closing the Raft server: {}", e.toString());
      }
    }
  }
}
