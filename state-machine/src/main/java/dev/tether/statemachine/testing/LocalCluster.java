package dev.tether.statemachine.testing;

import dev.tether.statemachine.core.Event;
import dev.tether.statemachine.core.GroupCore;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.ratis.ApplyListener;
import dev.tether.statemachine.ratis.GroupCommitter;
import dev.tether.statemachine.ratis.LeaderClock;
import dev.tether.statemachine.ratis.RatisSettings;
import dev.tether.statemachine.ratis.TetherStateMachine;
import dev.tether.statemachine.store.RocksDbStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * A cluster of in-process Ratis servers on 127.0.0.1 for tests (hashicorp/raft's {@code
 * testing.go}): real gRPC, real segmented logs, one {@link TetherStateMachine} over RocksDB per
 * group per server. Server {@code i} keeps its Raft data in {@code <dir>/s<i>/raft} and its RocksDB
 * stores in {@code <dir>/s<i>/state}; {@link #kill} closes it and {@link #restart} starts it again
 * on the same port and directories with {@code RECOVER}.
 *
 * <p>A kill takes no snapshot on the way down ({@code trigger-when-stop} is off), so what a restart
 * finds on disk is what a crash would leave: the store ahead of the newest snapshot.
 *
 * <p>Every wait is bounded by {@link Builder#awaitTimeout}; {@link #close} closes everything even
 * when a test failed half way.
 */
public final class LocalCluster implements AutoCloseable {
  /** Settings for tests: fast elections, frequent snapshots, small segments so purging shows. */
  public static final RatisSettings TEST_SETTINGS = new RatisSettings(300, 2_000, 64, 64L << 10);

  /** Most servers a cluster starts (a region runs 3 or 5 daemons; headroom for adds). */
  public static final int SERVERS_MAX = 9;

  /** Longest wait for a leader or for convergence, unless the builder says otherwise. */
  public static final Duration AWAIT_TIMEOUT_DEFAULT = Duration.ofSeconds(60);

  /** Attempts a client makes per request before it fails (never the retry-forever default). */
  public static final int CLIENT_ATTEMPTS_MAX = 100;

  /** Pause between a client's attempts, milliseconds. */
  public static final long CLIENT_RETRY_SLEEP_MS = 100;

  /** Commands per entry of the committers this cluster hands out. */
  public static final int COMMITTER_COMMANDS_MAX = 512;

  /** Entries in flight per committer. */
  public static final int COMMITTER_IN_FLIGHT_MAX = 16;

  private static final long POLL_MS = 20;

  private final Path dir;
  private final RatisSettings settings;
  private final LeaderClock clock;
  private final Duration awaitTimeout;
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final Map<RaftGroupId, GroupSpec> groups = new ConcurrentHashMap<>();
  private final List<RaftClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicLong callIds = new AtomicLong();

  /** A server slot: its identity and directories outlive the {@link RaftServer} in it. */
  private static final class Member {
    final RaftPeer peer;
    final int port;
    final Path raftDir;
    final Path stateDir;
    final Map<RaftGroupId, ApplyStats> stats = new ConcurrentHashMap<>();
    volatile RaftServer server;

    Member(RaftPeer peer, int port, Path root) {
      this.peer = peer;
      this.port = port;
      this.raftDir = root.resolve("raft");
      this.stateDir = root.resolve("state");
    }
  }

  /** A group's core and the servers in its configuration (a copy-on-write list). */
  private record GroupSpec(Function<RocksDbStore, GroupCore> core, List<Integer> servers) {}

  private LocalCluster(Builder b) {
    this.dir = b.dir;
    this.settings = b.settings;
    this.clock = b.clock;
    this.awaitTimeout = b.awaitTimeout;
  }

  /** Starts {@code servers} servers under {@code dir} with {@link #TEST_SETTINGS}. */
  public static LocalCluster start(Path dir, int servers) throws IOException {
    return builder(dir).servers(servers).start();
  }

  /** A builder for a cluster under {@code dir}. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Options of a {@link LocalCluster}, each validated. */
  public static final class Builder {
    private final Path dir;
    private int servers = 3;
    private RatisSettings settings = TEST_SETTINGS;
    private LeaderClock clock = LeaderClock.system();
    private Duration awaitTimeout = AWAIT_TIMEOUT_DEFAULT;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** Servers to start, in [1, {@link #SERVERS_MAX}]. */
    public Builder servers(int n) {
      if (n < 1 || n > SERVERS_MAX) {
        throw new IllegalArgumentException(
            "servers is " + n + ", must be in [1, SERVERS_MAX=" + SERVERS_MAX + "]");
      }
      this.servers = n;
      return this;
    }

    /** Ratis settings of every server and client. */
    public Builder settings(RatisSettings s) {
      this.settings = s;
      return this;
    }

    /** The clock leaders stamp entries with. */
    public Builder clock(LeaderClock c) {
      this.clock = c;
      return this;
    }

    /** Longest wait for a leader or convergence; positive. */
    public Builder awaitTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("await timeout is " + d + ", must be positive");
      }
      this.awaitTimeout = d;
      return this;
    }

    /** Starts the servers; on failure closes whatever started. */
    public LocalCluster start() throws IOException {
      LocalCluster c = new LocalCluster(this);
      try {
        for (int i = 0; i < servers; i++) {
          c.startNew();
        }
      } catch (IOException | RuntimeException e) {
        c.close();
        throw e;
      }
      return c;
    }
  }

  // ---- servers

  /** Servers ever started (running or killed); indices run from 0. */
  public int size() {
    return members.size();
  }

  /** The peer of server {@code i}. */
  public RaftPeer peer(int i) {
    return members.get(i).peer;
  }

  /** Whether server {@code i} runs. */
  public boolean isRunning(int i) {
    return members.get(i).server != null;
  }

  /** The running server {@code i}. */
  public RaftServer server(int i) {
    RaftServer s = members.get(i).server;
    if (s == null) {
      throw new IllegalStateException("server " + i + " is not running");
    }
    return s;
  }

  /** Stops server {@code i} (its directories stay); it takes no snapshot on the way down. */
  public void kill(int i) throws IOException {
    Member m = members.get(i);
    RaftServer s = m.server;
    if (s == null) {
      throw new IllegalStateException("server " + i + " is not running");
    }
    m.server = null;
    s.close();
  }

  /** Starts server {@code i} again: same id, port and directories, groups recovered from disk. */
  public void restart(int i) throws IOException {
    Member m = members.get(i);
    if (m.server != null) {
      throw new IllegalStateException("server " + i + " is running");
    }
    m.server = newServer(m);
  }

  private int startNew() throws IOException {
    int i = members.size();
    if (i >= SERVERS_MAX) {
      throw new IllegalStateException("cluster has SERVERS_MAX=" + SERVERS_MAX + " servers");
    }
    int port = freePort();
    RaftPeer peer =
        RaftPeer.newBuilder()
            .setId(RaftPeerId.valueOf("s" + i))
            .setAddress("127.0.0.1:" + port)
            .build();
    Member m = new Member(peer, port, dir.resolve("s" + i));
    members.add(m);
    m.server = newServer(m);
    return i;
  }

  private RaftServer newServer(Member m) throws IOException {
    RaftProperties p = settings.serverProperties(m.raftDir, m.port);
    // A kill stands in for a crash: no snapshot on the way down (see the class comment).
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
    RaftServer s =
        RaftServer.newBuilder()
            .setServerId(m.peer.getId())
            .setProperties(p)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .setStateMachineRegistry(gid -> newStateMachine(m, gid))
            .build();
    try {
      s.start();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private TetherStateMachine newStateMachine(Member m, RaftGroupId gid) {
    GroupSpec spec = groups.get(gid);
    Function<RocksDbStore, GroupCore> core = spec == null ? RingCore::new : spec.core();
    ApplyStats stats = new ApplyStats();
    m.stats.put(gid, stats);
    return new TetherStateMachine(m.stateDir, core, clock, stats);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // ---- groups

  /** Creates ring group {@code gid} on every running server. */
  public RaftGroupId createGroup(RaftGroupId gid) throws IOException {
    return createGroup(gid, RingCore::new);
  }

  /** Creates group {@code gid} with {@code core} (ring or region) on every running server. */
  public RaftGroupId createGroup(RaftGroupId gid, Function<RocksDbStore, GroupCore> core)
      throws IOException {
    List<Integer> servers = new CopyOnWriteArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      if (isRunning(i)) {
        servers.add(i);
      }
    }
    groups.put(gid, new GroupSpec(core, servers));
    RaftGroup group = group(gid);
    for (int i : servers) {
      addToServer(i, group);
    }
    return gid;
  }

  /** The group {@code gid} with the peers of its current configuration. */
  public RaftGroup group(RaftGroupId gid) {
    List<RaftPeer> peers = new ArrayList<>();
    for (int i : spec(gid).servers()) {
      peers.add(peer(i));
    }
    return RaftGroup.valueOf(gid, peers);
  }

  /** The servers in group {@code gid}'s configuration. */
  public List<Integer> servers(RaftGroupId gid) {
    return List.copyOf(spec(gid).servers());
  }

  private GroupSpec spec(RaftGroupId gid) {
    GroupSpec spec = groups.get(gid);
    if (spec == null) {
      throw new IllegalArgumentException("group " + gid + " was not created by this cluster");
    }
    return spec;
  }

  private void addToServer(int i, RaftGroup group) throws IOException {
    RaftServer s = server(i);
    RaftClientReply reply =
        s.groupManagement(
            GroupManagementRequest.newAdd(
                ClientId.randomId(), s.getId(), callIds.incrementAndGet(), group));
    if (!reply.isSuccess()) {
      throw new IOException(
          "adding " + group + " to server " + i + " failed", reply.getException());
    }
  }

  /**
   * Starts a new server and adds it to group {@code gid}: the server joins with an empty peer list,
   * then the group's configuration is set to the old peers plus the new one (ratis.md section 7).
   * Returns the new server's index once the configuration is committed.
   */
  public int addServer(RaftGroupId gid) throws IOException {
    GroupSpec spec = spec(gid);
    RaftGroup before = group(gid);
    int i = startNew();
    addToServer(i, RaftGroup.valueOf(gid));
    List<RaftPeer> after = new ArrayList<>(before.getPeers());
    after.add(peer(i));
    // The List overload: the RaftPeer[] one never sets the servers in 3.3.0 (RATIS-2640).
    try (RaftClient c = newClient(before)) {
      RaftClientReply reply = c.admin().setConfiguration(after);
      if (!reply.isSuccess()) {
        throw new IOException(
            "adding server " + i + " to " + gid + " failed", reply.getException());
      }
    }
    spec.servers().add(i);
    return i;
  }

  // ---- clients

  /**
   * A client of group {@code gid}, closed with the cluster. Each request makes at most {@link
   * #CLIENT_ATTEMPTS_MAX} attempts, each bounded by the settings' request timeout.
   */
  public RaftClient client(RaftGroupId gid) {
    RaftClient c = newClient(group(gid));
    clients.add(c);
    return c;
  }

  private RaftClient newClient(RaftGroup group) {
    return RaftClient.newBuilder()
        .setRaftGroup(group)
        .setProperties(settings.clientProperties())
        .setRetryPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                CLIENT_ATTEMPTS_MAX,
                TimeDuration.valueOf(CLIENT_RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
        .build();
  }

  /** A group committer over a new client of {@code gid}. */
  public GroupCommitter committer(RaftGroupId gid) {
    return committer(gid, COMMITTER_COMMANDS_MAX, COMMITTER_IN_FLIGHT_MAX);
  }

  /** A group committer with the given bounds over a new client of {@code gid}. */
  public GroupCommitter committer(RaftGroupId gid, int maxCommands, int maxInFlight) {
    return new GroupCommitter(client(gid), maxCommands, maxInFlight);
  }

  // ---- divisions and state

  /** Server {@code i}'s division of group {@code gid}. */
  public RaftServer.Division division(int i, RaftGroupId gid) {
    try {
      return server(i).getDivision(gid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Server {@code i}'s state machine of group {@code gid}. */
  public TetherStateMachine stateMachine(int i, RaftGroupId gid) {
    return (TetherStateMachine) division(i, gid).getStateMachine();
  }

  /** The digest of server {@code i}'s applied state of group {@code gid}. */
  public long digest(int i, RaftGroupId gid) {
    return stateMachine(i, gid).digest();
  }

  /** The last index server {@code i} applied in group {@code gid} (configuration entries too). */
  public long appliedIndex(int i, RaftGroupId gid) {
    return stateMachine(i, gid).getLastAppliedTermIndex().getIndex();
  }

  /** What server {@code i}'s current state machine of {@code gid} was told since it started. */
  public ApplyStats stats(int i, RaftGroupId gid) {
    ApplyStats s = members.get(i).stats.get(gid);
    if (s == null) {
      throw new IllegalStateException("server " + i + " has no state machine for " + gid);
    }
    return s;
  }

  /** The running server that leads {@code gid} and is ready, if any. */
  public OptionalInt leader(RaftGroupId gid) {
    int best = -1;
    long bestTerm = -1;
    for (int i : spec(gid).servers()) {
      if (!isRunning(i)) {
        continue;
      }
      RaftServer.Division d;
      try {
        d = server(i).getDivision(gid);
      } catch (IOException | IllegalStateException e) {
        continue;
      }
      if (d.getInfo().isLeader()
          && d.getInfo().isLeaderReady()
          && d.getInfo().getCurrentTerm() > bestTerm) {
        best = i;
        bestTerm = d.getInfo().getCurrentTerm();
      }
    }
    return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
  }

  /** Waits for a ready leader of {@code gid} and returns its index. */
  public int awaitLeader(RaftGroupId gid) throws IOException {
    await("a leader of " + gid, () -> leader(gid).isPresent());
    return leader(gid).getAsInt();
  }

  /**
   * Waits until every running server of {@code gid} applied the leader's commit index and all have
   * the same applied index and digest; returns that index. Call it with no writes in flight.
   *
   * @throws IllegalStateException when servers at the same index have different digests
   */
  public long awaitConverged(RaftGroupId gid) throws IOException {
    int leader = awaitLeader(gid);
    long commit = division(leader, gid).getRaftLog().getLastCommittedIndex();
    await(
        "servers of " + gid + " to apply index " + commit,
        () -> {
          for (int i : spec(gid).servers()) {
            if (isRunning(i) && appliedIndexOrMinus(i, gid) < commit) {
              return false;
            }
          }
          return true;
        });
    long[] result = new long[1];
    await(
        "servers of " + gid + " to agree",
        () -> {
          long index = -1;
          long digest = 0;
          StringBuilder seen = new StringBuilder();
          for (int i : spec(gid).servers()) {
            if (!isRunning(i)) {
              continue;
            }
            long before = appliedIndex(i, gid);
            long d = digest(i, gid);
            if (appliedIndex(i, gid) != before || (index >= 0 && before != index)) {
              return false; // still applying: try again
            }
            seen.append(" s").append(i).append('@').append(before).append('=').append(d);
            if (index >= 0 && d != digest) {
              throw new IllegalStateException("digests differ at index " + before + ":" + seen);
            }
            index = before;
            digest = d;
          }
          result[0] = index;
          return true;
        });
    return result[0];
  }

  private long appliedIndexOrMinus(int i, RaftGroupId gid) {
    try {
      return appliedIndex(i, gid);
    } catch (RuntimeException e) {
      return -1; // the group is not (yet) on this server
    }
  }

  /**
   * Polls {@code condition} until it holds or the await timeout passes. Ratis offers no
   * notification for these conditions to an outside observer, so this helper polls, briefly and
   * with a deadline; tests call it instead of sleeping.
   */
  public void await(String what, BooleanSupplier condition) throws IOException {
    long deadline = System.nanoTime() + awaitTimeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("timed out after " + awaitTimeout + " waiting for " + what);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for " + what);
      }
    }
  }

  /** Closes every client and server, servers in parallel (each close can take seconds). */
  @Override
  public void close() throws IOException {
    List<Throwable> errors = new ArrayList<>();
    for (RaftClient c : clients) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        errors.add(e);
      }
    }
    clients.clear();
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<Future<?>> closing = new ArrayList<>();
      for (Member m : members) {
        RaftServer s = m.server;
        m.server = null;
        if (s != null) {
          closing.add(
              pool.submit(
                  () -> {
                    s.close();
                    return null;
                  }));
        }
      }
      for (Future<?> f : closing) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          errors.add(e);
        } catch (ExecutionException e) {
          errors.add(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (!errors.isEmpty()) {
      IOException e = new IOException("closing the cluster failed", errors.get(0));
      errors.subList(1, errors.size()).forEach(e::addSuppressed);
      throw e;
    }
  }

  /**
   * What one state machine was told: entries applied and snapshots installed, counted from its
   * start. A restart starts a fresh count.
   */
  public static final class ApplyStats implements ApplyListener {
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong firstApplied = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadIndex = new AtomicLong(-1);

    @Override
    public void applied(RaftGroupId group, long index, List<Event> events) {
      applied.incrementAndGet();
      firstApplied.accumulateAndGet(index, Math::min);
    }

    @Override
    public void reloaded(RaftGroupId group, long index) {
      reloads.incrementAndGet();
      reloadIndex.set(index);
    }

    /** Entries applied. */
    public long appliedEntries() {
      return applied.get();
    }

    /** The lowest index applied, or -1 when none was. */
    public long firstAppliedIndex() {
      long f = firstApplied.get();
      return f == Long.MAX_VALUE ? -1 : f;
    }

    /** Snapshots installed (state replaced). */
    public long reloads() {
      return reloads.get();
    }

    /** The index of the last installed snapshot, or -1. */
    public long reloadIndex() {
      return reloadIndex.get();
    }
  }
}
