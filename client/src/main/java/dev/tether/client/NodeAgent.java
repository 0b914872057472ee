package dev.tether.client;

import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.JoinResponse;
import dev.tether.api.v1.KeepAliveRequest;
import dev.tether.api.v1.KeepAliveResponse;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.NodeState;
import dev.tether.ring.Member;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one backend node in a ring: joins it, holds its lease with a KeepAlive stream, and tells
 * the application when it must stop serving its sessions (self-fencing, DESIGN.md section 5).
 *
 * <pre>{@code
 * NodeAgent agent = client.nodeAgent("chat", "node-7", "10.1.0.7:8080")
 *     .weight(2)
 *     .onFence(server::stopServingSessions)
 *     .onUnfence(server::resumeServingSessions)
 *     .onDrain(deadline -> server.handOffBefore(deadline))
 *     .start();
 * }</pre>
 *
 * <p><b>Lease.</b> The agent sends a KeepAlive every third of the lease TTL (learned from the
 * responses; 5 s until the first). The stream goes to the ring's leader when known, else to any
 * daemon; when it fails, ends, stops answering for half a TTL, or a daemon cannot renew, the agent
 * moves to the next daemon after a jittered backoff.
 *
 * <p><b>Fencing.</b> If no renewal has been confirmed within {@code TTL - margin}, measured from
 * the <em>send</em> time of the last request that was confirmed renewed (the leader renewed at some
 * point after that send, never before), the agent calls {@code onFence}: the application must stop
 * serving the node's sessions, because the leader may soon hand them to another node. When renewals
 * resume and the node is still known, it calls {@code onUnfence}. If the daemon says the node is
 * DOWN (or does not know it), the agent fences at once, joins again and then unfences. A node that
 * LEFT the ring (an operator removed it) is fenced for good; the agent stops renewing.
 *
 * <p><b>Drain.</b> The first response that says DRAINING calls {@code onDrain} with the drain
 * deadline, once per drain.
 *
 * <p>Callbacks run on the agent's one thread (a daemon thread); they should return quickly. {@link
 * #stop()} ends the lease stream without leaving the ring: call {@link TetherClient#leave} (or
 * drain first) to take the node out.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration START_WAIT = Duration.ofSeconds(10);

  private final TetherClient client;
  private final String ring;
  private final String nodeId;
  private final JoinRequest joinRequest;
  private final KeepAliveRequest keepAlive;
  private final Runnable onFence;
  private final Runnable onUnfence;
  private final Consumer<Instant> onDrain;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Lease lease;

  private volatile boolean fenced = true;
  private volatile NodeState state = NodeState.NODE_STATE_UNSPECIFIED;
  private volatile boolean started;
  private final AtomicInteger keepAliveResponses = new AtomicInteger();

  // Touched only on the scheduler's thread.
  private boolean stopped;
  private boolean left;
  private boolean rejoining;
  private boolean drainNotified;
  private boolean fenceNotified;
  private boolean warnedMargin;
  private int generation;
  private ClientCall<KeepAliveRequest, KeepAliveResponse> call;
  private StreamObserver<KeepAliveRequest> requests;
  private String address = "";
  private final ArrayDeque<Long> outstanding = new ArrayDeque<>();
  private int streamFailures;
  private int joinFailures;
  private Scheduler.Cancellable sendTimer = () -> {};
  private Scheduler.Cancellable fenceTimer = () -> {};
  private Scheduler.Cancellable retryTimer = () -> {};

  private NodeAgent(Builder b) {
    this.client = b.client;
    this.ring = b.ring;
    this.nodeId = b.nodeId;
    JoinRequest.Builder join =
        JoinRequest.newBuilder()
            .setRing(b.ring)
            .setNodeId(b.nodeId)
            .setAddress(b.address)
            .setZone(b.zone)
            .setWeight(b.weight)
            .putAllLabels(b.labels);
    if (b.warmup != null) {
      join.setWarmupMs(b.warmup.toMillis());
    }
    this.joinRequest = join.build();
    this.keepAlive = KeepAliveRequest.newBuilder().setRing(b.ring).setNodeId(b.nodeId).build();
    this.onFence = b.onFence;
    this.onUnfence = b.onUnfence;
    this.onDrain = b.onDrain;
    this.scheduler =
        b.scheduler != null ? b.scheduler : new ExecutorScheduler("tether-node-agent-" + b.nodeId);
    this.ticker = client.ticker();
    this.lease = new Lease(b.safetyMargin);
  }

  /** The ring the node is in. */
  public String ring() {
    return ring;
  }

  /** The node's id. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * True while the application must not serve the node's sessions: before the first join, after a
   * renewal deadline passed, while rejoining, after the node left, and after {@link #stop()}.
   */
  public boolean isFenced() {
    return fenced;
  }

  /** The node's state as the last daemon answer said; UNSPECIFIED before the first. */
  public NodeState state() {
    return state;
  }

  /** KeepAlive responses handled so far (tests wait on it before stepping time). */
  int keepAliveResponses() {
    return keepAliveResponses.get();
  }

  /**
   * Ends the lease stream and the agent's thread. The node stays in the ring until its lease
   * expires.
   */
  public void stop() {
    if (!started) {
      scheduler.shutdown();
      return;
    }
    Runnable stop =
        () -> {
          stopped = true;
          fenced = true;
          cancelTimers();
          if (requests != null) {
            requests.onCompleted();
          }
          closeStream("agent stopped");
        };
    if (scheduler.inScheduler()) {
      // Called from a callback on the agent's own thread.
      stop.run();
    } else {
      CompletableFuture<Void> done = new CompletableFuture<>();
      scheduler.execute(
          () -> {
            stop.run();
            done.complete(null);
          });
      await(done);
    }
    scheduler.shutdown();
    client.unregister(this);
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** Joins (blocking, with the client's retries), then keeps the lease in the background. */
  private NodeAgent start() {
    client.register(this);
    started = true;
    long sentAt = ticker.read();
    JoinResponse response;
    try {
      response = client.join(joinRequest);
    } catch (RuntimeException e) {
      client.unregister(this);
      scheduler.shutdown();
      throw e;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          joined(sentAt, response);
          done.complete(null);
        });
    await(done);
    return this;
  }

  private static void await(CompletableFuture<Void> done) {
    try {
      done.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("node agent did not finish a step in {}", START_WAIT);
    }
  }

  // ---- everything below runs on the scheduler's thread ----

  private void joined(long sentAt, JoinResponse response) {
    if (stopped) {
      return;
    }
    rejoining = false;
    joinFailures = 0;
    drainNotified = false;
    state = response.getNode().getState();
    lease.confirmed(sentAt);
    log.info("node {} joined ring {} as {}", nodeId, ring, state);
    if (lease.covers(ticker.read())) {
      unfence();
    }
    scheduleFenceCheck();
    openStream();
  }

  private void openStream() {
    if (stopped || left || rejoining) {
      return;
    }
    closeStream("reconnecting");
    int gen = generation;
    address = client.endpoints().pick(true, ring);
    try {
      call =
          client
              .endpoints()
              .channel(address)
              .newCall(
                  MembershipServiceGrpc.getKeepAliveMethod(),
                  CallOptions.DEFAULT.withOption(Endpoints.GROUP, ring));
      requests = ClientCalls.asyncBidiStreamingCall(call, new Observer(gen));
    } catch (RuntimeException e) {
      streamFailed("cannot open a KeepAlive stream: " + e);
      return;
    }
    sendKeepAlive();
  }

  private void sendKeepAlive() {
    sendTimer.cancel();
    if (stopped || left || requests == null) {
      return;
    }
    long now = ticker.read();
    Long oldest = outstanding.peek();
    if (outstanding.size() >= ClientLimits.KEEPALIVES_OUTSTANDING_MAX
        || (oldest != null && now - oldest > lease.ttlNanos() / 2)) {
      streamFailed(address + " has not answered a KeepAlive for half a lease TTL");
      return;
    }
    outstanding.add(now);
    requests.onNext(keepAlive);
    sendTimer = scheduler.schedule(this::sendKeepAlive, lease.sendIntervalNanos());
  }

  private void onResponse(int gen, KeepAliveResponse r) {
    keepAliveResponses.incrementAndGet();
    if (gen != generation || stopped) {
      return;
    }
    Long sentAt = outstanding.poll();
    if (r.getLeaseTtlMs() > 0) {
      lease.ttl(TimeUnit.MILLISECONDS.toNanos(r.getLeaseTtlMs()));
      if (lease.marginIgnored() && !warnedMargin) {
        warnedMargin = true;
        log.warn(
            "node {}: safety margin is not below the lease TTL {} ms; using {} ms",
            nodeId,
            r.getLeaseTtlMs(),
            TimeUnit.NANOSECONDS.toMillis(lease.marginNanos()));
      }
    }
    state = r.getState();
    if (r.getState() == NodeState.NODE_STATE_DOWN) {
      fence("the lease expired: the node is DOWN");
      rejoin();
      return;
    }
    if (r.getState() == NodeState.NODE_STATE_LEFT) {
      fence("the node left the ring");
      left = true;
      cancelTimers();
      closeStream("node left");
      return;
    }
    if (r.getRenewed() && sentAt != null) {
      streamFailures = 0;
      lease.confirmed(sentAt);
      if (fenced && lease.covers(ticker.read())) {
        unfence();
      }
    }
    scheduleFenceCheck();
    if (r.getState() == NodeState.NODE_STATE_DRAINING) {
      if (!drainNotified) {
        drainNotified = true;
        Instant deadline = Instant.ofEpochMilli(r.getDrainDeadlineMs());
        log.info("node {} is draining, deadline {}", nodeId, deadline);
        callback(() -> onDrain.accept(deadline), "onDrain");
      }
    } else {
      drainNotified = false;
    }
    if (!r.getRenewed()) {
      streamFailed(address + " did not renew the lease: " + r.getReason());
    }
  }

  private void onStreamEnd(int gen, Status status) {
    if (gen != generation || stopped) {
      return;
    }
    if (status.getCode() == Status.Code.NOT_FOUND) {
      fence("the ring does not know the node: " + status.getDescription());
      rejoin();
      return;
    }
    streamFailed("KeepAlive stream to " + address + " ended: " + status);
  }

  /** Drops the stream and opens another on the next daemon after a backoff. */
  private void streamFailed(String why) {
    log.info("node {}: {}", nodeId, why);
    closeStream(why);
    client.endpoints().failed(address, ring);
    streamFailures++;
    retryTimer.cancel();
    retryTimer = scheduler.schedule(this::openStream, client.backoff().delayNanos(streamFailures));
  }

  private void closeStream(String why) {
    generation++;
    sendTimer.cancel();
    outstanding.clear();
    if (call != null) {
      call.cancel(why, null);
    }
    call = null;
    requests = null;
  }

  private void rejoin() {
    if (rejoining || stopped || left) {
      return;
    }
    rejoining = true;
    closeStream("rejoining");
    retryTimer.cancel();
    retryTimer = scheduler.schedule(this::tryJoin, 0);
  }

  /** Blocks the agent's thread for one join call; the node is fenced meanwhile. */
  private void tryJoin() {
    if (stopped) {
      return;
    }
    long sentAt = ticker.read();
    try {
      joined(sentAt, client.join(joinRequest));
    } catch (RuntimeException e) {
      // Any failure (not only a TetherException) must lead to another try, or the node stays out.
      joinFailures++;
      log.warn("node {}: rejoining ring {} failed: {}", nodeId, ring, e.getMessage());
      retryTimer = scheduler.schedule(this::tryJoin, client.backoff().delayNanos(joinFailures));
    }
  }

  private void scheduleFenceCheck() {
    fenceTimer.cancel();
    if (fenced || stopped) {
      return;
    }
    long delay = lease.fenceAt() - ticker.read();
    if (delay <= 0) {
      fence("no lease renewal was confirmed within TTL - margin");
      return;
    }
    fenceTimer = scheduler.schedule(this::scheduleFenceCheck, delay);
  }

  private void fence(String reason) {
    fenceTimer.cancel();
    if (fenced) {
      return;
    }
    fenced = true;
    fenceNotified = true;
    log.warn("node {} fenced: {}; the application must stop serving its sessions", nodeId, reason);
    callback(onFence, "onFence");
  }

  /** Lifts the fence; onUnfence is called only after an onFence, so the two alternate. */
  private void unfence() {
    if (!fenced) {
      return;
    }
    fenced = false;
    if (fenceNotified) {
      fenceNotified = false;
      log.info("node {} unfenced: the lease is renewed", nodeId);
      callback(onUnfence, "onUnfence");
    }
  }

  private void cancelTimers() {
    sendTimer.cancel();
    fenceTimer.cancel();
    retryTimer.cancel();
  }

  private void callback(Runnable callback, String name) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.error("node {}: {} callback failed", nodeId, name, e);
    }
  }

  private final class Observer implements StreamObserver<KeepAliveResponse> {
    private final int gen;

    Observer(int gen) {
      this.gen = gen;
    }

    @Override
    public void onNext(KeepAliveResponse response) {
      scheduler.execute(() -> onResponse(gen, response));
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      scheduler.execute(() -> onStreamEnd(gen, status));
    }

    @Override
    public void onCompleted() {
      scheduler.execute(
          () -> onStreamEnd(gen, Status.UNAVAILABLE.withDescription("completed by the daemon")));
    }
  }

  /**
   * Configures a {@link NodeAgent}; get one from {@link TetherClient#nodeAgent}. Every setter
   * checks its value at once and throws an {@link IllegalArgumentException} naming the setting and
   * limit.
   */
  public static final class Builder {
    private final TetherClient client;
    private final String ring;
    private final String nodeId;
    private final String address;
    private int weight = 1;
    private String zone = "";
    private Map<String, String> labels = Map.of();
    private Duration warmup;
    private Duration safetyMargin;
    private Runnable onFence = () -> {};
    private Runnable onUnfence = () -> {};
    private Consumer<Instant> onDrain = deadline -> {};
    private Scheduler scheduler;

    Builder(TetherClient client, String ring, String nodeId, String address) {
      Member.checkNodeId("nodeId", nodeId);
      Endpoint.parse("address", address);
      if (ring.isEmpty()) {
        throw new IllegalArgumentException("ring must not be empty");
      }
      this.client = client;
      this.ring = ring;
      this.nodeId = nodeId;
      this.address = address;
    }

    /** Capacity units, 1 to 1000; default 1. */
    public Builder weight(int units) {
      this.weight =
          ClientLimits.checkInt(
              "weight", units, 1, null, ClientLimits.NODE_WEIGHT_MAX, "NODE_WEIGHT_MAX");
      return this;
    }

    /** The node's zone, 0 to 64 UTF-8 bytes; default empty. */
    public Builder zone(String zone) {
      checkBytes("zone", zone, 0, ClientLimits.ZONE_BYTES_MAX, "ZONE_BYTES_MAX");
      this.zone = zone;
      return this;
    }

    /** At most 32 labels; keys 1 to 64 UTF-8 bytes, values 0 to 256. */
    public Builder labels(Map<String, String> labels) {
      if (labels == null) {
        throw new IllegalArgumentException("labels must not be null");
      }
      if (labels.size() > ClientLimits.LABELS_MAX) {
        throw new IllegalArgumentException(
            "labels has "
                + labels.size()
                + " entries, limit LABELS_MAX is "
                + ClientLimits.LABELS_MAX);
      }
      for (Map.Entry<String, String> e : labels.entrySet()) {
        checkBytes(
            "labels key", e.getKey(), 1, ClientLimits.LABEL_KEY_BYTES_MAX, "LABEL_KEY_BYTES_MAX");
        checkBytes(
            "labels['" + e.getKey() + "']",
            e.getValue(),
            0,
            ClientLimits.LABEL_VALUE_BYTES_MAX,
            "LABEL_VALUE_BYTES_MAX");
      }
      this.labels = Map.copyOf(labels);
      return this;
    }

    /** This node's warm-up, 0 to 7 days; unset means the ring's. */
    public Builder warmup(Duration warmup) {
      this.warmup =
          ClientLimits.checkDuration(
              "warmup", warmup, Duration.ZERO, null, ClientLimits.WARMUP_MAX, "WARMUP_MAX");
      return this;
    }

    /**
     * How long before the lease could expire the agent fences: 1 ms to 1 h, and below the lease TTL
     * (when the daemon reports a TTL at or under it, the agent logs a warning and uses the
     * default). Default {@code max(TTL/5, 200 ms)}.
     */
    public Builder safetyMargin(Duration margin) {
      this.safetyMargin =
          ClientLimits.checkDuration(
              "safetyMargin",
              margin,
              ClientLimits.FENCE_MARGIN_MIN,
              "FENCE_MARGIN_MIN",
              ClientLimits.FENCE_MARGIN_MAX,
              "FENCE_MARGIN_MAX");
      return this;
    }

    /** Called when the application must stop serving the node's sessions. */
    public Builder onFence(Runnable callback) {
      this.onFence = Objects.requireNonNull(callback, "onFence");
      return this;
    }

    /** Called when the application may serve the node's sessions again. */
    public Builder onUnfence(Runnable callback) {
      this.onUnfence = Objects.requireNonNull(callback, "onUnfence");
      return this;
    }

    /** Called once per drain with its deadline, after which the node's sessions are moved. */
    public Builder onDrain(Consumer<Instant> callback) {
      this.onDrain = Objects.requireNonNull(callback, "onDrain");
      return this;
    }

    /** Replaces the agent's thread (tests step a fake scheduler by hand). */
    Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler);
      return this;
    }

    /**
     * Joins the node and starts keeping its lease.
     *
     * @throws TetherException if the join fails (after the client's retries)
     */
    public NodeAgent start() {
      return new NodeAgent(this).start();
    }

    private static void checkBytes(String setting, String value, int min, int max, String limit) {
      if (value == null) {
        throw new IllegalArgumentException(setting + " must not be null");
      }
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes < min || bytes > max) {
        throw new IllegalArgumentException(
            setting
                + " is "
                + bytes
                + " bytes, must be in ["
                + min
                + ", "
                + limit
                + "="
                + max
                + "]");
      }
    }
  }
}
