package dev.tether.client;

import com.google.protobuf.ByteString;
import dev.tether.api.v1.AddDaemonRequest;
import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.BatchLookupRequest;
import dev.tether.api.v1.BatchOpenRequest;
import dev.tether.api.v1.BatchOpenResponse;
import dev.tether.api.v1.CloseRequest;
import dev.tether.api.v1.CreateRingRequest;
import dev.tether.api.v1.DaemonStatus;
import dev.tether.api.v1.DeleteRingRequest;
import dev.tether.api.v1.DrainRequest;
import dev.tether.api.v1.DrainResponse;
import dev.tether.api.v1.GetNodeRequest;
import dev.tether.api.v1.GetNodeResponse;
import dev.tether.api.v1.GetRingRequest;
import dev.tether.api.v1.GetRingResponse;
import dev.tether.api.v1.GetStateRequest;
import dev.tether.api.v1.GetStateResponse;
import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.JoinResponse;
import dev.tether.api.v1.LeaveRequest;
import dev.tether.api.v1.LeaveResponse;
import dev.tether.api.v1.ListNodesRequest;
import dev.tether.api.v1.ListNodesResponse;
import dev.tether.api.v1.ListRingsRequest;
import dev.tether.api.v1.ListSessionsRequest;
import dev.tether.api.v1.ListSessionsResponse;
import dev.tether.api.v1.LookupRequest;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OpenResponse;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.Policy;
import dev.tether.api.v1.PutStateRequest;
import dev.tether.api.v1.RemoveDaemonRequest;
import dev.tether.api.v1.Ring;
import dev.tether.api.v1.Session;
import dev.tether.api.v1.SessionEvent;
import dev.tether.api.v1.SessionServiceGrpc;
import dev.tether.api.v1.SetWeightRequest;
import dev.tether.api.v1.SetWeightResponse;
import dev.tether.api.v1.SimulateRequest;
import dev.tether.api.v1.SimulateResponse;
import dev.tether.api.v1.SnapshotRequest;
import dev.tether.api.v1.StatusRequest;
import dev.tether.api.v1.StatusResponse;
import dev.tether.api.v1.TouchRequest;
import dev.tether.api.v1.TouchResponse;
import dev.tether.api.v1.TransferLeadershipRequest;
import dev.tether.api.v1.UpdatePolicyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A client of one Tether region: every call of the public API, with endpoint failover, leader hints
 * and bounded retries, plus a local ring cache ({@link #watchRing}) and a node agent ({@link
 * #nodeAgent}).
 *
 * <pre>{@code
 * try (TetherClient client = TetherClient.builder()
 *     .endpoints(List.of("10.0.0.1:7400", "10.0.0.2:7400", "10.0.0.3:7400"))
 *     .build()) {
 *   LookupResult r = client.lookup("chat", "session-42", ReadConsistency.LINEARIZABLE);
 *   r.owner().ifPresent(node -> route(node.getAddress()));
 * }
 * }</pre>
 *
 * <p><b>Share one client.</b> It is thread-safe and holds one plaintext gRPC channel per daemon;
 * close it when done.
 *
 * <p><b>Calls are blocking.</b> Each call has one deadline ({@link Builder#deadline}, default 2 s)
 * that covers all its attempts. A call that fails UNAVAILABLE or DEADLINE_EXCEEDED is retried, at
 * most {@link Builder#retryBudget} attempts in all, after a jittered exponential {@link
 * Builder#backoff}; reads move to the next endpoint, writes go to the ring's leader when a daemon
 * named it (header {@code tether-leader} or a {@code LeaderHint} error detail). Nothing else is
 * retried. Failures are {@link TetherException}s.
 *
 * <p><b>Every write is safe to retry</b>, but a retry after a lost answer may report the first
 * attempt's effect: Open, Join, Drain, Touch, SetWeight and UpdatePolicy are idempotent; PutState
 * is a compare-and-set, so it may answer {@link ConflictException} (VERSION_MISMATCH) when its
 * first attempt succeeded; Close and Leave may answer {@link NotFoundException}, and CreateRing
 * {@link AlreadyExistsException}, for the same reason.
 *
 * <p><b>Return types.</b> The hot paths return small records ({@link LookupResult}); the other
 * calls return the generated {@code tether.v1} messages ({@code dev.tether.api.v1}), which are
 * immutable and document every field, unwrapped when the response has a single field. Requests with
 * many optional fields ({@link #join}, {@link #openSession(OpenRequest)}, {@link #simulate}, {@link
 * #addDaemon}, {@link #listSessionsPage}) take the request message itself.
 */
public final class TetherClient implements AutoCloseable {
  private final Endpoints endpoints;
  private final Caller caller;
  private final Ticker ticker;
  private final Backoff backoff;
  private final Set<AutoCloseable> children = new HashSet<>();
  private ScheduledExecutorService watchScheduler;
  private boolean closed;

  private TetherClient(Builder b) {
    Random random = b.seeded ? new Random(b.randomSeed) : new Random();
    this.ticker = b.ticker;
    this.backoff = new Backoff(b.backoffBase.toNanos(), b.backoffMax.toNanos(), random);
    this.endpoints = new Endpoints(b.endpoints, b.channelFactory);
    this.caller =
        new Caller(endpoints, ticker, b.sleeper, backoff, b.deadline.toNanos(), b.retryAttempts);
  }

  /** A builder; {@link Builder#endpoints} is required. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- OwnerService ----

  /** Who owns {@code sessionId} in {@code ring}. Never writes. */
  public LookupResult lookup(String ring, String sessionId, ReadConsistency consistency) {
    LookupRequest request =
        LookupRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setSessionId(notNull("sessionId", sessionId))
            .setConsistency(notNull("consistency", consistency).toProto())
            .build();
    return LookupResult.fromProto(
        caller.read(OwnerServiceGrpc.getLookupMethod(), ring, request).getAnswer());
  }

  /** Who owns each of up to 1000 sessions, in request order. */
  public List<LookupResult> batchLookup(
      String ring, List<String> sessionIds, ReadConsistency consistency) {
    BatchLookupRequest request =
        BatchLookupRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .addAllSessionIds(notNull("sessionIds", sessionIds))
            .setConsistency(notNull("consistency", consistency).toProto())
            .build();
    return caller
        .read(OwnerServiceGrpc.getBatchLookupMethod(), ring, request)
        .getAnswersList()
        .stream()
        .map(LookupResult::fromProto)
        .toList();
  }

  /**
   * Subscribes to {@code ring} and keeps its placement locally, to answer unpinned lookups without
   * a call. The watcher connects in the background; close it (or this client) when done.
   */
  public RingWatcher watchRing(String ring) {
    RingWatcher watcher = new RingWatcher(notNull("ring", ring), this);
    register(watcher);
    watcher.start();
    return watcher;
  }

  // ---- SessionService ----

  /** Opens {@code sessionId} with the ring's default idle TTL and no placement hint. */
  public OpenResponse openSession(String ring, String sessionId) {
    return openSession(
        OpenRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setSessionId(notNull("sessionId", sessionId))
            .build());
  }

  /** Opens a session (pins it to a node); opening an open session returns it unchanged. */
  public OpenResponse openSession(OpenRequest request) {
    return caller.write(SessionServiceGrpc.getOpenMethod(), request.getRing(), request);
  }

  /**
   * Opens up to 1000 sessions in one call, each as {@link #openSession(OpenRequest)} would. Items
   * are independent: a rejected item carries its gRPC status code in {@code error_code} of its
   * result and the others stand; a whole call that failed in transit is retried like any write
   * (opening is idempotent).
   */
  public BatchOpenResponse batchOpen(BatchOpenRequest request) {
    return caller.write(SessionServiceGrpc.getBatchOpenMethod(), request.getRing(), request);
  }

  /**
   * Closes a session. With a non-zero {@code fencingToken} the close succeeds only if it is the
   * current one ({@link ConflictException} otherwise); 0 closes unconditionally.
   */
  public void closeSession(String ring, String sessionId, long fencingToken) {
    CloseRequest request =
        CloseRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setSessionId(notNull("sessionId", sessionId))
            .setFencingToken(fencingToken)
            .build();
    caller.write(SessionServiceGrpc.getCloseMethod(), ring, request);
  }

  /** Refreshes the idle timers of up to 1000 sessions. */
  public TouchResponse touchSessions(String ring, Collection<String> sessionIds) {
    TouchRequest request =
        TouchRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .addAllSessionIds(notNull("sessionIds", sessionIds))
            .build();
    return caller.write(SessionServiceGrpc.getTouchMethod(), ring, request);
  }

  /**
   * Writes a session's state blob if {@code fencingToken} is the session's current token and {@code
   * expectedVersion} its current version (0 before the first write).
   *
   * @return the new version
   * @throws ConflictException with reason VERSION_MISMATCH or STALE_FENCING_TOKEN
   */
  public long putState(
      String ring, String sessionId, long fencingToken, long expectedVersion, byte[] data) {
    PutStateRequest request =
        PutStateRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setSessionId(notNull("sessionId", sessionId))
            .setFencingToken(fencingToken)
            .setExpectedVersion(expectedVersion)
            .setData(ByteString.copyFrom(notNull("data", data)))
            .build();
    return caller.write(SessionServiceGrpc.getPutStateMethod(), ring, request).getVersion();
  }

  /** A session with its state blob. */
  public GetStateResponse getState(String ring, String sessionId, ReadConsistency consistency) {
    GetStateRequest request =
        GetStateRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setSessionId(notNull("sessionId", sessionId))
            .setConsistency(notNull("consistency", consistency).toProto())
            .build();
    return caller.read(SessionServiceGrpc.getGetStateMethod(), ring, request);
  }

  /**
   * The sessions of {@code ring} in id order, all ({@code owner} empty) or one owner's, fetched
   * lazily in pages of 1000. Each page is one call with its own deadline and consistency; the
   * listing as a whole is not a snapshot. {@code hasNext()} throws {@link TetherException} when a
   * page fails.
   */
  public Iterator<Session> listSessions(String ring, String owner, ReadConsistency consistency) {
    ListSessionsRequest first =
        ListSessionsRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setOwner(notNull("owner", owner))
            .setPageSize(ClientLimits.LIST_PAGE_SIZE)
            .setConsistency(notNull("consistency", consistency).toProto())
            .build();
    return new SessionPages(this::listSessionsPage, first);
  }

  /** One page of sessions; pass the response's {@code next_page_token} to get the next. */
  public ListSessionsResponse listSessionsPage(ListSessionsRequest request) {
    return caller.read(SessionServiceGrpc.getListSessionsMethod(), request.getRing(), request);
  }

  /**
   * Subscribes to the sessions of {@code owner} in {@code ring}: those it has now, then every one
   * that arrives, leaves, closes or expires. {@code listener} runs on the stream's thread, in
   * order, and should return quickly. The watcher resubscribes after failures; close it (or this
   * client) when done.
   */
  public SessionWatcher watchSessions(String ring, String owner, Consumer<SessionEvent> listener) {
    SessionWatcher watcher =
        new SessionWatcher(
            this, notNull("ring", ring), notNull("owner", owner), notNull("listener", listener));
    register(watcher);
    watcher.start();
    return watcher;
  }

  // ---- MembershipService ----

  /** Adds a node to a ring, rejoins a node that left or went DOWN, or updates a live node. */
  public JoinResponse join(JoinRequest request) {
    return caller.write(MembershipServiceGrpc.getJoinMethod(), request.getRing(), request);
  }

  /** Drains a node with the ring's default drain deadline. */
  public DrainResponse drain(String ring, String nodeId) {
    return drain(
        DrainRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setNodeId(notNull("nodeId", nodeId))
            .build());
  }

  /** Drains a node: no new sessions; its sessions move after {@code deadline}. */
  public DrainResponse drain(String ring, String nodeId, Duration deadline) {
    return drain(
        DrainRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setNodeId(notNull("nodeId", nodeId))
            .setDeadlineMs(notNull("deadline", deadline).toMillis())
            .build());
  }

  private DrainResponse drain(DrainRequest request) {
    return caller.write(MembershipServiceGrpc.getDrainMethod(), request.getRing(), request);
  }

  /** Removes a node; its sessions are rehomed at the ring's pace. */
  public LeaveResponse leave(String ring, String nodeId) {
    LeaveRequest request =
        LeaveRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setNodeId(notNull("nodeId", nodeId))
            .build();
    return caller.write(MembershipServiceGrpc.getLeaveMethod(), ring, request);
  }

  /** Sets a node's capacity, in units (1..1000). */
  public SetWeightResponse setWeight(String ring, String nodeId, int weight) {
    SetWeightRequest request =
        SetWeightRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setNodeId(notNull("nodeId", nodeId))
            .setWeight(weight)
            .build();
    return caller.write(MembershipServiceGrpc.getSetWeightMethod(), ring, request);
  }

  /** One node of a ring. */
  public GetNodeResponse getNode(String ring, String nodeId, ReadConsistency consistency) {
    GetNodeRequest request =
        GetNodeRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setNodeId(notNull("nodeId", nodeId))
            .setConsistency(notNull("consistency", consistency).toProto())
            .build();
    return caller.read(MembershipServiceGrpc.getGetNodeMethod(), ring, request);
  }

  /** Every node of a ring, in any state. */
  public ListNodesResponse listNodes(String ring, ReadConsistency consistency) {
    ListNodesRequest request =
        ListNodesRequest.newBuilder()
            .setRing(notNull("ring", ring))
            .setConsistency(notNull("consistency", consistency).toProto())
            .build();
    return caller.read(MembershipServiceGrpc.getListNodesMethod(), ring, request);
  }

  /**
   * A builder of a {@link NodeAgent} that keeps {@code nodeId} (serving at {@code address}) in
   * {@code ring}: it joins, renews the lease and fences itself when renewals stop.
   */
  public NodeAgent.Builder nodeAgent(String ring, String nodeId, String address) {
    return new NodeAgent.Builder(
        this, notNull("ring", ring), notNull("nodeId", nodeId), notNull("address", address));
  }

  // ---- AdminService ----

  /** The answering daemon's view of the region: daemons, groups, leaders, terms, indexes. */
  public StatusResponse status() {
    return caller.read(AdminServiceGrpc.getStatusMethod(), "", StatusRequest.getDefaultInstance());
  }

  /** Creates a ring; unset policy fields take their defaults. */
  public Ring createRing(String name, Policy policy) {
    CreateRingRequest request =
        CreateRingRequest.newBuilder()
            .setName(notNull("name", name))
            .setPolicy(notNull("policy", policy))
            .build();
    return caller.write(AdminServiceGrpc.getCreateRingMethod(), "", request).getRing();
  }

  /** Deletes a ring and its sessions. */
  public void deleteRing(String name) {
    DeleteRingRequest request =
        DeleteRingRequest.newBuilder().setName(notNull("name", name)).build();
    caller.write(AdminServiceGrpc.getDeleteRingMethod(), "", request);
  }

  /** The rings of the region catalog. */
  public List<Ring> listRings() {
    return caller
        .read(AdminServiceGrpc.getListRingsMethod(), "", ListRingsRequest.getDefaultInstance())
        .getRingsList();
  }

  /** One ring with its nodes. */
  public GetRingResponse getRing(String name, ReadConsistency consistency) {
    GetRingRequest request =
        GetRingRequest.newBuilder()
            .setName(notNull("name", name))
            .setConsistency(notNull("consistency", consistency).toProto())
            .build();
    return caller.read(AdminServiceGrpc.getGetRingMethod(), name, request);
  }

  /** Changes the fields of a ring's policy that are set in {@code policy}. */
  public Ring updatePolicy(String name, Policy policy) {
    UpdatePolicyRequest request =
        UpdatePolicyRequest.newBuilder()
            .setName(notNull("name", name))
            .setPolicy(notNull("policy", policy))
            .build();
    return caller.write(AdminServiceGrpc.getUpdatePolicyMethod(), "", request).getRing();
  }

  /** What a join, drain, leave or weight change would move. Changes nothing. */
  public SimulateResponse simulate(SimulateRequest request) {
    return caller.read(AdminServiceGrpc.getSimulateMethod(), request.getRing(), request);
  }

  /**
   * Moves the leadership of a group (a ring name, or empty for the region group) to {@code target}
   * (a daemon id, or empty to let the group choose).
   *
   * @return the new leader's daemon id
   */
  public String transferLeadership(String group, String target) {
    TransferLeadershipRequest request =
        TransferLeadershipRequest.newBuilder()
            .setGroup(notNull("group", group))
            .setTarget(notNull("target", target))
            .build();
    return caller.write(AdminServiceGrpc.getTransferLeadershipMethod(), group, request).getLeader();
  }

  /** Adds a running daemon to the region's groups; returns the daemons after the change. */
  public List<DaemonStatus> addDaemon(AddDaemonRequest request) {
    return caller.write(AdminServiceGrpc.getAddDaemonMethod(), "", request).getDaemonsList();
  }

  /** Removes a daemon from the region's groups; returns the daemons after the change. */
  public List<DaemonStatus> removeDaemon(String daemonId) {
    RemoveDaemonRequest request =
        RemoveDaemonRequest.newBuilder().setId(notNull("daemonId", daemonId)).build();
    return caller.write(AdminServiceGrpc.getRemoveDaemonMethod(), "", request).getDaemonsList();
  }

  /**
   * Takes a snapshot of a group (a ring name, or empty for the region group) now.
   *
   * @return the log index of the snapshot
   */
  public long snapshot(String group) {
    SnapshotRequest request =
        SnapshotRequest.newBuilder().setGroup(notNull("group", group)).build();
    return caller.write(AdminServiceGrpc.getSnapshotMethod(), group, request).getIndex();
  }

  /** Stops every watcher and agent of this client and closes its channels. */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    ScheduledExecutorService scheduler;
    synchronized (children) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(children);
      children.clear();
      scheduler = watchScheduler;
    }
    for (AutoCloseable child : toClose) {
      try {
        child.close();
      } catch (Exception e) {
        // Closing is best effort: the channels below are closed whatever a child did.
      }
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    endpoints.close();
  }

  // ---- for the watcher and the agent ----

  Endpoints endpoints() {
    return endpoints;
  }

  Ticker ticker() {
    return ticker;
  }

  Backoff backoff() {
    return backoff;
  }

  void register(AutoCloseable child) {
    synchronized (children) {
      if (closed) {
        throw Errors.of(
            io.grpc.Status.Code.CANCELLED, "the client is closed", "", ErrorDetails.NONE, null);
      }
      children.add(child);
    }
  }

  void unregister(AutoCloseable child) {
    synchronized (children) {
      children.remove(child);
    }
  }

  /** The one thread that schedules watcher reconnects, started on first use. */
  ScheduledExecutorService watchScheduler() {
    synchronized (children) {
      if (watchScheduler == null) {
        ScheduledThreadPoolExecutor executor =
            new ScheduledThreadPoolExecutor(1, daemonThreads("tether-client-watch"));
        executor.setRemoveOnCancelPolicy(true);
        watchScheduler = executor;
      }
      return watchScheduler;
    }
  }

  static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  static <T> T notNull(String name, T value) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  /**
   * Configures a {@link TetherClient}. Every setter checks its value at once and throws an {@link
   * IllegalArgumentException} naming the setting and the violated limit.
   */
  public static final class Builder {
    private List<String> endpoints;
    private Duration deadline = ClientLimits.DEADLINE_DEFAULT;
    private int retryAttempts = ClientLimits.RETRY_ATTEMPTS_DEFAULT;
    private Duration backoffBase = ClientLimits.BACKOFF_BASE_DEFAULT;
    private Duration backoffMax = ClientLimits.BACKOFF_MAX_DEFAULT;
    private Ticker ticker = Ticker.system();
    private long randomSeed;
    private boolean seeded;
    private Sleeper sleeper = Sleeper.system();
    private Function<Endpoint, ManagedChannel> channelFactory = Builder::plaintextChannel;

    private Builder() {}

    /**
     * The daemons' API addresses, 1 to 16 distinct {@code host:port} entries ({@code [v6]:port} for
     * IPv6). Required.
     */
    public Builder endpoints(List<String> hostPorts) {
      if (hostPorts == null) {
        throw new IllegalArgumentException("endpoints must not be null");
      }
      if (hostPorts.isEmpty()) {
        throw new IllegalArgumentException(
            "endpoints is empty, must have 1 to ENDPOINTS_MAX="
                + ClientLimits.ENDPOINTS_MAX
                + " entries");
      }
      if (hostPorts.size() > ClientLimits.ENDPOINTS_MAX) {
        throw new IllegalArgumentException(
            "endpoints has "
                + hostPorts.size()
                + " entries, limit ENDPOINTS_MAX is "
                + ClientLimits.ENDPOINTS_MAX);
      }
      List<String> parsed = new ArrayList<>(hostPorts.size());
      for (int i = 0; i < hostPorts.size(); i++) {
        String address = Endpoint.parse("endpoints[" + i + "]", hostPorts.get(i)).toString();
        int previous = parsed.indexOf(address);
        if (previous >= 0) {
          throw new IllegalArgumentException(
              "endpoints[" + i + "] '" + address + "' repeats endpoints[" + previous + "]");
        }
        parsed.add(address);
      }
      this.endpoints = List.copyOf(parsed);
      return this;
    }

    /** The deadline of each call, retries included; 10 ms to 5 min, default 2 s. */
    public Builder deadline(Duration deadline) {
      this.deadline =
          ClientLimits.checkDuration(
              "deadline",
              deadline,
              ClientLimits.DEADLINE_MIN,
              "DEADLINE_MIN",
              ClientLimits.DEADLINE_MAX,
              "DEADLINE_MAX");
      return this;
    }

    /** Attempts per call, the first included; 1 (no retry) to 10, default 3. */
    public Builder retryBudget(int attempts) {
      this.retryAttempts =
          ClientLimits.checkInt(
              "retryBudget",
              attempts,
              ClientLimits.RETRY_ATTEMPTS_MIN,
              "RETRY_ATTEMPTS_MIN",
              ClientLimits.RETRY_ATTEMPTS_MAX,
              "RETRY_ATTEMPTS_MAX");
      return this;
    }

    /**
     * The backoff between attempts, and between reconnects of watchers and agents: the first retry
     * waits about {@code base}, each next one twice as long, at most {@code max} (each drawn from
     * the upper half of its range). Both 1 ms to 1 min, {@code base <= max}; default 50 ms and 1 s.
     */
    public Builder backoff(Duration base, Duration max) {
      ClientLimits.checkDuration(
          "backoff.base",
          base,
          ClientLimits.BACKOFF_MIN,
          "BACKOFF_MIN",
          ClientLimits.BACKOFF_LIMIT,
          "BACKOFF_LIMIT");
      ClientLimits.checkDuration(
          "backoff.max",
          max,
          ClientLimits.BACKOFF_MIN,
          "BACKOFF_MIN",
          ClientLimits.BACKOFF_LIMIT,
          "BACKOFF_LIMIT");
      if (base.compareTo(max) > 0) {
        throw new IllegalArgumentException("backoff.base " + base + " is above backoff.max " + max);
      }
      this.backoffBase = base;
      this.backoffMax = max;
      return this;
    }

    /** The time source for deadlines, backoff and leases; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      if (ticker == null) {
        throw new IllegalArgumentException("ticker must not be null");
      }
      this.ticker = ticker;
      return this;
    }

    /** Seeds the backoff jitter, for repeatable tests; unseeded by default. */
    public Builder randomSeed(long seed) {
      this.randomSeed = seed;
      this.seeded = true;
      return this;
    }

    /** Replaces the backoff sleep (tests advance a fake ticker instead). */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    /** Replaces the channel factory (tests may use an in-process transport). */
    Builder channelFactory(Function<Endpoint, ManagedChannel> factory) {
      this.channelFactory = Objects.requireNonNull(factory);
      return this;
    }

    /**
     * Builds the client. No connection is made until the first call.
     *
     * @throws IllegalStateException if {@link #endpoints} was not set
     */
    public TetherClient build() {
      if (endpoints == null) {
        throw new IllegalStateException(
            "endpoints must be set: 1 to ENDPOINTS_MAX="
                + ClientLimits.ENDPOINTS_MAX
                + " host:port entries");
      }
      return new TetherClient(this);
    }

    private static ManagedChannel plaintextChannel(Endpoint endpoint) {
      return Grpc.newChannelBuilderForAddress(
              endpoint.host(), endpoint.port(), InsecureChannelCredentials.create())
          .build();
    }
  }
}
