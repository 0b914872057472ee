package dev.tether.daemon.api;

import dev.tether.api.v1.DrainRequest;
import dev.tether.api.v1.DrainResponse;
import dev.tether.api.v1.GetNodeRequest;
import dev.tether.api.v1.GetNodeResponse;
import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.JoinResponse;
import dev.tether.api.v1.KeepAliveRequest;
import dev.tether.api.v1.KeepAliveResponse;
import dev.tether.api.v1.LeaveRequest;
import dev.tether.api.v1.LeaveResponse;
import dev.tether.api.v1.ListNodesRequest;
import dev.tether.api.v1.ListNodesResponse;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.NodeState;
import dev.tether.api.v1.SetWeightRequest;
import dev.tether.api.v1.SetWeightResponse;
import dev.tether.daemon.ring.LeaderDuties;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.Drain;
import dev.tether.proto.internal.GetNodeQuery;
import dev.tether.proto.internal.Join;
import dev.tether.proto.internal.Leave;
import dev.tether.proto.internal.ListNodesQuery;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.SetWeight;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.core.Validate;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** MembershipService: nodes join, drain, leave, change weight and keep their lease. */
final class MembershipServiceImpl extends MembershipServiceGrpc.MembershipServiceImplBase {
  private final ApiSupport api;
  private final LeaseForwarder leases;
  private final ExecutorService renewals;
  private final int keepaliveMax;
  private final AtomicInteger keepalives = new AtomicInteger();

  MembershipServiceImpl(
      ApiSupport api, LeaseForwarder leases, ExecutorService renewals, int keepaliveMax) {
    this.api = api;
    this.leases = leases;
    this.renewals = renewals;
    this.keepaliveMax = keepaliveMax;
  }

  @Override
  public void join(JoinRequest req, StreamObserver<JoinResponse> out) {
    ApiSupport.reply(
        out,
        call(
            () -> {
              RingRuntime ring = api.ring(req.getRing());
              int weight = req.getWeight() == 0 ? 1 : req.getWeight();
              ApiSupport.check(
                  () -> {
                    Validate.nodeId("node_id", req.getNodeId());
                    Validate.address("address", req.getAddress());
                    Validate.text(
                        "zone",
                        req.getZone(),
                        dev.tether.statemachine.core.Limits.ZONE_BYTES_MAX,
                        "ZONE_BYTES_MAX");
                    Validate.weight("weight", weight);
                    Validate.labels("labels", req.getLabelsMap());
                    if (req.hasWarmupMs()) {
                      Validate.range(
                          "warmup_ms",
                          req.getWarmupMs(),
                          0,
                          dev.tether.statemachine.core.Limits.WARMUP_MS_MAX,
                          "WARMUP_MS_MAX");
                    }
                  });
              Join.Builder j =
                  Join.newBuilder()
                      .setNodeId(req.getNodeId())
                      .setAddress(req.getAddress())
                      .setZone(req.getZone())
                      .setWeight(weight)
                      .putAllLabels(req.getLabelsMap());
              if (req.hasWarmupMs()) {
                j.setWarmupMs(req.getWarmupMs());
              }
              return api.write(ring, Command.newBuilder().setJoin(j).build())
                  .thenApplyAsync(r -> renewAfterJoin(ring, req.getNodeId(), r), renewals);
            }),
        r ->
            JoinResponse.newBuilder()
                .setNode(Mapping.node(r.getNode().getNode()))
                .setRingEpoch(r.getEpoch())
                .build());
  }

  /**
   * A successful Join tells the node agent its lease holds from the moment it sent the Join (it
   * unfences on it), so the lease is renewed with the ring's leader once the Join committed.
   * Without this, a Join of a node that was already ACTIVE changed nothing in the leader's lessor:
   * the agent served on while the leader let the old lease run out and gave its sessions away
   * (chaos finding 3). If the leader refuses (the lease already expired and the node is being
   * marked DOWN) or cannot be reached, the Join fails UNAVAILABLE and the agent, still fenced,
   * joins again.
   */
  private Result renewAfterJoin(RingRuntime ring, String nodeId, Result joined) {
    LeaderDuties.Renewal renewal = leases.renew(ring, nodeId);
    if (!renewal.renewed()) {
      throw ApiError.unavailable(
          "node "
              + nodeId
              + " joined ring "
              + ring.name()
              + ", but its lease was not renewed ("
              + renewal.reason()
              + "); join again",
          List.of());
    }
    return joined;
  }

  @Override
  public void drain(DrainRequest req, StreamObserver<DrainResponse> out) {
    ApiSupport.reply(
        out,
        call(
            () -> {
              RingRuntime ring = api.ring(req.getRing());
              ApiSupport.check(
                  () -> {
                    Validate.nodeId("node_id", req.getNodeId());
                    if (req.hasDeadlineMs()) {
                      Validate.range(
                          "deadline_ms",
                          req.getDeadlineMs(),
                          0,
                          dev.tether.statemachine.core.Limits.DRAIN_DEADLINE_MS_MAX,
                          "DRAIN_DEADLINE_MS_MAX");
                    }
                  });
              Drain.Builder d = Drain.newBuilder().setNodeId(req.getNodeId());
              if (req.hasDeadlineMs()) {
                d.setDeadlineMs(req.getDeadlineMs());
              }
              return api.write(ring, Command.newBuilder().setDrain(d).build());
            }),
        r ->
            DrainResponse.newBuilder()
                .setNode(Mapping.node(r.getNode().getNode()))
                .setRingEpoch(r.getEpoch())
                .build());
  }

  @Override
  public void leave(LeaveRequest req, StreamObserver<LeaveResponse> out) {
    ApiSupport.reply(
        out,
        call(
            () -> {
              RingRuntime ring = api.ring(req.getRing());
              ApiSupport.check(() -> Validate.nodeId("node_id", req.getNodeId()));
              return api.write(
                  ring,
                  Command.newBuilder()
                      .setLeave(Leave.newBuilder().setNodeId(req.getNodeId()))
                      .build());
            }),
        r ->
            LeaveResponse.newBuilder()
                .setNode(Mapping.node(r.getNode().getNode()))
                .setRingEpoch(r.getEpoch())
                .build());
  }

  @Override
  public void setWeight(SetWeightRequest req, StreamObserver<SetWeightResponse> out) {
    ApiSupport.reply(
        out,
        call(
            () -> {
              RingRuntime ring = api.ring(req.getRing());
              ApiSupport.check(
                  () -> {
                    Validate.nodeId("node_id", req.getNodeId());
                    Validate.weight("weight", req.getWeight());
                  });
              return api.write(
                  ring,
                  Command.newBuilder()
                      .setSetWeight(
                          SetWeight.newBuilder()
                              .setNodeId(req.getNodeId())
                              .setWeight(req.getWeight()))
                      .build());
            }),
        r ->
            SetWeightResponse.newBuilder()
                .setNode(Mapping.node(r.getNode().getNode()))
                .setRingEpoch(r.getEpoch())
                .build());
  }

  @Override
  public void getNode(GetNodeRequest req, StreamObserver<GetNodeResponse> out) {
    ApiSupport.reply(
        out,
        call(
            () -> {
              RingRuntime ring = api.ring(req.getRing());
              ApiSupport.check(() -> Validate.nodeId("node_id", req.getNodeId()));
              return api.read(
                  ring,
                  Query.newBuilder()
                      .setGetNode(GetNodeQuery.newBuilder().setNodeId(req.getNodeId()))
                      .build(),
                  req.getConsistency());
            }),
        read ->
            GetNodeResponse.newBuilder()
                .setNode(Mapping.node(read.result().getNode()))
                .setRingEpoch(read.result().getEpoch())
                .setAppliedIndex(read.result().getAppliedIndex())
                .setAuthoritative(read.authoritative())
                .build());
  }

  @Override
  public void listNodes(ListNodesRequest req, StreamObserver<ListNodesResponse> out) {
    ApiSupport.reply(
        out,
        call(
            () ->
                api.read(
                    api.ring(req.getRing()),
                    Query.newBuilder().setListNodes(ListNodesQuery.getDefaultInstance()).build(),
                    req.getConsistency())),
        read -> {
          ListNodesResponse.Builder b =
              ListNodesResponse.newBuilder()
                  .setRingEpoch(read.result().getEpoch())
                  .setAppliedIndex(read.result().getAppliedIndex())
                  .setAuthoritative(read.authoritative());
          for (NodeRecord n : read.result().getNodes().getNodesList()) {
            b.addNodes(Mapping.node(n));
          }
          return b.build();
        });
  }

  @Override
  public StreamObserver<KeepAliveRequest> keepAlive(StreamObserver<KeepAliveResponse> responses) {
    ServerCallStreamObserver<KeepAliveResponse> out =
        (ServerCallStreamObserver<KeepAliveResponse>) responses;
    if (keepalives.incrementAndGet() > keepaliveMax) {
      keepalives.decrementAndGet();
      out.onError(
          ApiError.status(
              com.google.rpc.Code.RESOURCE_EXHAUSTED,
              "this daemon serves "
                  + keepaliveMax
                  + " keepalive streams, limit api.keepalive_streams_max",
              List.of()));
      return new NoOpObserver<>();
    }
    Object lock = new Object();
    boolean[] done = {false};
    out.setOnCancelHandler(
        () -> {
          synchronized (lock) {
            if (!done[0]) {
              done[0] = true;
              keepalives.decrementAndGet();
            }
          }
        });
    return new StreamObserver<>() {
      /**
       * The stream's renewals, one after another: the node agent matches each response to its
       * requests in order (to take the send time of the request it answers), so responses must not
       * overtake each other, as they could when two renewals of one stream ran on two threads.
       */
      private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

      @Override
      public synchronized void onNext(KeepAliveRequest req) {
        previous =
            previous.thenRunAsync(
                () -> {
                  KeepAliveResponse response;
                  try {
                    response = keepAlive(req);
                  } catch (RuntimeException e) {
                    synchronized (lock) {
                      if (!done[0]) {
                        done[0] = true;
                        keepalives.decrementAndGet();
                        out.onError(ApiSupport.toStatus(e));
                      }
                    }
                    return;
                  }
                  synchronized (lock) {
                    if (!done[0]) {
                      out.onNext(response);
                    }
                  }
                },
                renewals);
      }

      @Override
      public void onError(Throwable t) {
        synchronized (lock) {
          if (!done[0]) {
            done[0] = true;
            keepalives.decrementAndGet();
          }
        }
      }

      @Override
      public void onCompleted() {
        synchronized (lock) {
          if (!done[0]) {
            done[0] = true;
            keepalives.decrementAndGet();
            out.onCompleted();
          }
        }
      }
    };
  }

  private KeepAliveResponse keepAlive(KeepAliveRequest req) {
    RingRuntime ring = api.ring(req.getRing());
    ApiSupport.check(() -> Validate.nodeId("node_id", req.getNodeId()));
    LeaderDuties.Renewal renewal = leases.renew(ring, req.getNodeId());
    NodeRecord node =
        ring.group()
            .stateMachine()
            .read(core -> ((RingCore) core).inspector().node(req.getNodeId()));
    var meta = ring.group().stateMachine().read(core -> ((RingCore) core).meta());
    KeepAliveResponse.Builder b =
        KeepAliveResponse.newBuilder()
            .setRenewed(renewal.renewed())
            .setLeaseTtlMs(
                renewal.ttlMs() > 0
                    ? renewal.ttlMs()
                    : meta == null ? 0 : meta.getPolicy().getLeaseTtlMs())
            .setReason(renewal.reason())
            .setRingEpoch(meta == null ? 0 : meta.getEpoch());
    if (node != null) {
      b.setState(NodeState.forNumber(node.getStateValue()))
          .setDrainDeadlineMs(node.getDrainDeadlineMs());
    }
    return b.build();
  }

  /** Runs a handler that builds a future, turning a synchronous exception into a failed future. */
  static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<T>> handler) {
    try {
      return handler.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Swallows a refused stream's messages. */
  static final class NoOpObserver<T> implements StreamObserver<T> {
    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
