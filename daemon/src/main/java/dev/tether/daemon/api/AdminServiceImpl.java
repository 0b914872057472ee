package dev.tether.daemon.api;

import dev.tether.api.v1.AddDaemonRequest;
import dev.tether.api.v1.AddDaemonResponse;
import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.CreateRingRequest;
import dev.tether.api.v1.CreateRingResponse;
import dev.tether.api.v1.DaemonStatus;
import dev.tether.api.v1.DeleteRingRequest;
import dev.tether.api.v1.DeleteRingResponse;
import dev.tether.api.v1.GetRingRequest;
import dev.tether.api.v1.GetRingResponse;
import dev.tether.api.v1.GroupStatus;
import dev.tether.api.v1.ListRingsRequest;
import dev.tether.api.v1.ListRingsResponse;
import dev.tether.api.v1.RemoveDaemonRequest;
import dev.tether.api.v1.RemoveDaemonResponse;
import dev.tether.api.v1.Ring;
import dev.tether.api.v1.SimulateRequest;
import dev.tether.api.v1.SimulateResponse;
import dev.tether.api.v1.SnapshotRequest;
import dev.tether.api.v1.SnapshotResponse;
import dev.tether.api.v1.StatusRequest;
import dev.tether.api.v1.StatusResponse;
import dev.tether.api.v1.TransferLeadershipRequest;
import dev.tether.api.v1.TransferLeadershipResponse;
import dev.tether.api.v1.UpdatePolicyRequest;
import dev.tether.api.v1.UpdatePolicyResponse;
import dev.tether.daemon.ring.GroupHandle;
import dev.tether.daemon.ring.Region;
import dev.tether.daemon.ring.RingRuntime;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CreateRing;
import dev.tether.proto.internal.DaemonRecord;
import dev.tether.proto.internal.DeleteRing;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.InitRing;
import dev.tether.proto.internal.ListNodesQuery;
import dev.tether.proto.internal.NodeRecord;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.RegisterDaemon;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.RingCatalogEntry;
import dev.tether.proto.internal.RingMeta;
import dev.tether.proto.internal.RingPolicy;
import dev.tether.proto.internal.SetPolicy;
import dev.tether.proto.internal.UnregisterDaemon;
import dev.tether.proto.internal.UpdatePolicy;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.core.Validate;
import dev.tether.statemachine.ratis.TetherStateMachine;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.server.RaftServer;

/** AdminService: the region's rings and daemons. Blocking calls run on the gRPC executor. */
final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
  private final ApiSupport api;
  private final Region region;
  private final Simulator simulator;
  private final String version;

  AdminServiceImpl(ApiSupport api, String version) {
    this.api = api;
    this.region = api.region;
    this.simulator = new Simulator(api);
    this.version = version;
  }

  @Override
  public void status(StatusRequest req, StreamObserver<StatusResponse> out) {
    ApiSupport.replyNow(
        out,
        () -> {
          StatusResponse.Builder b =
              StatusResponse.newBuilder()
                  .setRegion(region.config().region())
                  .setDaemonId(region.config().id())
                  .setVersion(version);
          for (DaemonRecord d : region.directory().all()) {
            b.addDaemons(daemon(d));
          }
          b.addGroups(group("region", region.regionGroup(), req.getIncludeDigests()));
          List<RingRuntime> rings = new ArrayList<>(region.rings());
          rings.sort((x, y) -> x.name().compareTo(y.name()));
          for (RingRuntime r : rings) {
            b.addGroups(group(r.name(), r.group(), req.getIncludeDigests()));
          }
          return b.build();
        });
  }

  private static DaemonStatus daemon(DaemonRecord d) {
    return DaemonStatus.newBuilder()
        .setId(d.getId())
        .setRaftAddress(d.getRaftAddress())
        .setApiAddress(d.getApiAddress())
        .setHttpAddress(d.getHttpAddress())
        .build();
  }

  private GroupStatus group(String name, GroupHandle g, boolean digest) {
    GroupStatus.Builder s =
        GroupStatus.newBuilder()
            .setName(name)
            .setGroupId(g.groupId().getUuid().toString())
            .setRole(g.role())
            .setLeader(g.leader().orElse(""))
            .setTerm(g.term())
            .setAppliedIndex(g.appliedIndex())
            .setMsSinceLeaderContact(g.msSinceLeaderContact());
    Optional<RaftServer.Division> d = g.division();
    if (d.isPresent()) {
      s.setCommitIndex(d.get().getRaftLog().getLastCommittedIndex());
      d.get().getGroup().getPeers().forEach(p -> s.addPeers(p.getId().toString()));
      if (digest) {
        TetherStateMachine.Digest at = g.stateMachine().digestAt();
        s.setAppliedIndex(at.appliedIndex()).setDigest(at.digest());
      }
    }
    return s.build();
  }

  @Override
  public void createRing(CreateRingRequest req, StreamObserver<CreateRingResponse> out) {
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              ApiSupport.check(() -> Validate.ringName("name", req.getName()));
              RingPolicy policy;
              try {
                policy = Mapping.merge(Mapping.defaults(), req.getPolicy(), "policy");
              } catch (IllegalArgumentException e) {
                throw ApiError.invalid(e.getMessage());
              }
              long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(api.budgetMs());
              Command create =
                  Command.newBuilder()
                      .setCreateRing(
                          CreateRing.newBuilder()
                              .setName(req.getName())
                              .setGroupId(UUID.randomUUID().toString())
                              .setPolicy(policy)
                              .addAllPeers(region.regionPeers()))
                      .build();
              return api.write(region.regionGroup(), create, "region")
                  .thenCompose(r -> initRing(req.getName(), policy, deadline));
            }),
        ring -> CreateRingResponse.newBuilder().setRing(ring).build());
  }

  /** Waits until this daemon hosts the new ring's group, then initialises it (idempotent). */
  private CompletableFuture<Ring> initRing(String name, RingPolicy policy, long deadlineNanos) {
    return CompletableFuture.supplyAsync(
            () -> {
              RingRuntime ring;
              while ((ring = region.ring(name).orElse(null)) == null) {
                region.reconcile();
                if (System.nanoTime() > deadlineNanos) {
                  throw ApiError.unavailable(
                      "ring "
                          + name
                          + " was created but its group did not start in time;"
                          + " it will be initialised by its leader",
                      List.of());
                }
                sleepBriefly();
              }
              return ring;
            })
        .thenCompose(ring -> submitInit(ring, name, policy, deadlineNanos));
  }

  /** Least time between two tries of a new ring's InitRing, ms. */
  private static final long INIT_RETRY_MS = 50;

  /**
   * Submits the new ring's InitRing, again and again until the deadline while it fails without an
   * answer: right after the catalog entry commits, some members may not host the group yet (Ratis
   * answers "group not found") or have not elected a leader. An InitRing that was applied after all
   * makes the next try answer ALREADY_EXISTS, which counts as done; so does one the ring leader
   * applied from the catalog meanwhile.
   */
  private CompletableFuture<Ring> submitInit(
      RingRuntime ring, String name, RingPolicy policy, long deadlineNanos) {
    long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    return ring.group()
        .committer()
        .submit(
            Command.newBuilder()
                .setInitRing(InitRing.newBuilder().setName(name).setPolicy(policy))
                .build())
        .orTimeout(Math.max(1, leftMs), TimeUnit.MILLISECONDS)
        .handle(
            (r, e) -> {
              if (e != null) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INIT_RETRY_MS)
                    < deadlineNanos) {
                  return CompletableFuture.supplyAsync(
                          () -> null,
                          CompletableFuture.delayedExecutor(INIT_RETRY_MS, TimeUnit.MILLISECONDS))
                      .thenCompose(x -> submitInit(ring, name, policy, deadlineNanos));
                }
                throw new CompletionException(
                    ApiError.unavailable(
                        "ring "
                            + name
                            + " was created; its group has not"
                            + " elected a leader yet ("
                            + ApiSupport.unwrap(e)
                            + "); it will be initialised by its leader",
                        List.of()));
              }
              if (r.getCode() != ErrorCode.ERROR_CODE_OK
                  && r.getCode() != ErrorCode.ERROR_CODE_ALREADY_EXISTS) {
                throw new CompletionException(ApiError.of(r.getCode(), r.getMessage()));
              }
              return CompletableFuture.completedFuture(ringInfo(name));
            })
        .thenCompose(f -> f);
  }

  @SuppressWarnings("ThreadPriorityCheck")
  private static void sleepBriefly() {
    // Waiting for another thread's reconcile to host the group: a short park, bounded by the
    // deadline.
    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
  }

  @Override
  public void deleteRing(DeleteRingRequest req, StreamObserver<DeleteRingResponse> out) {
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              ApiSupport.check(() -> Validate.ringName("name", req.getName()));
              return api.write(
                  region.regionGroup(),
                  Command.newBuilder()
                      .setDeleteRing(DeleteRing.newBuilder().setName(req.getName()))
                      .build(),
                  "region");
            }),
        r -> {
          region.reconcile();
          return DeleteRingResponse.getDefaultInstance();
        });
  }

  @Override
  public void listRings(ListRingsRequest req, StreamObserver<ListRingsResponse> out) {
    ApiSupport.replyNow(
        out,
        () -> {
          ListRingsResponse.Builder b = ListRingsResponse.newBuilder();
          for (RingCatalogEntry e : region.localCatalog().getRingsList()) {
            b.addRings(ringInfo(e.getName()));
          }
          return b.build();
        });
  }

  @Override
  public void getRing(GetRingRequest req, StreamObserver<GetRingResponse> out) {
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              RingRuntime ring = api.ring(req.getName());
              return api.read(
                  ring,
                  Query.newBuilder().setListNodes(ListNodesQuery.getDefaultInstance()).build(),
                  req.getConsistency());
            }),
        read -> {
          GetRingResponse.Builder b = GetRingResponse.newBuilder().setRing(ringInfo(req.getName()));
          for (NodeRecord n : read.result().getNodes().getNodesList()) {
            b.addNodes(Mapping.node(n));
          }
          return b.build();
        });
  }

  /** The catalog entry of a ring with this daemon's view of its state. */
  Ring ringInfo(String name) {
    RingCatalogEntry e =
        region.localCatalog().getRingsList().stream()
            .filter(r -> r.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> ApiError.notFound("ring " + name + " does not exist"));
    Ring.Builder b =
        Ring.newBuilder()
            .setName(name)
            .setPolicy(Mapping.policy(e.getPolicy()))
            .setGroupId(e.getGroupId());
    region
        .ring(name)
        .ifPresent(
            r -> {
              RingMeta meta = r.group().stateMachine().read(core -> ((RingCore) core).meta());
              if (meta != null) {
                b.setEpoch(meta.getEpoch()).setSessionCount(meta.getSessionCount());
              }
              b.setNodeCount(
                  r.group()
                      .stateMachine()
                      .read(core -> ((RingCore) core).inspector().nodes().size()));
              b.setLeader(r.group().leader().orElse(""));
            });
    return b.build();
  }

  @Override
  public void updatePolicy(UpdatePolicyRequest req, StreamObserver<UpdatePolicyResponse> out) {
    ApiSupport.reply(
        out,
        MembershipServiceImpl.call(
            () -> {
              RingRuntime ring = api.ring(req.getName());
              RingPolicy current =
                  region
                      .catalogPolicy(req.getName())
                      .orElseThrow(
                          () -> ApiError.notFound("ring " + req.getName() + " does not exist"));
              RingPolicy merged;
              try {
                merged = Mapping.merge(current, req.getPolicy(), "policy");
              } catch (IllegalArgumentException e) {
                throw ApiError.invalid(e.getMessage());
              }
              return api.write(
                      region.regionGroup(),
                      Command.newBuilder()
                          .setUpdatePolicy(
                              UpdatePolicy.newBuilder().setName(req.getName()).setPolicy(merged))
                          .build(),
                      "region")
                  .thenCompose(
                      r ->
                          api.write(
                              ring,
                              Command.newBuilder()
                                  .setSetPolicy(SetPolicy.newBuilder().setPolicy(merged))
                                  .build()))
                  .thenApply(r -> merged);
            }),
        merged -> {
          region.reconcile();
          // The committed policy: this daemon (a follower, say) may not have applied it yet.
          return UpdatePolicyResponse.newBuilder()
              .setRing(ringInfo(req.getName()).toBuilder().setPolicy(Mapping.policy(merged)))
              .build();
        });
  }

  @Override
  public void simulate(SimulateRequest req, StreamObserver<SimulateResponse> out) {
    ApiSupport.replyNow(out, () -> simulator.simulate(api.ring(req.getRing()), req));
  }

  @Override
  public void transferLeadership(
      TransferLeadershipRequest req, StreamObserver<TransferLeadershipResponse> out) {
    ApiSupport.replyNow(
        out,
        () -> {
          GroupHandle g =
              req.getGroup().isEmpty() ? region.regionGroup() : api.ring(req.getGroup()).group();
          if (!req.getTarget().isEmpty()) {
            ApiSupport.check(() -> Validate.nodeId("target", req.getTarget()));
            if (region.directory().get(req.getTarget()).isEmpty()) {
              throw ApiError.notFound("daemon " + req.getTarget() + " is not in the region");
            }
          }
          try {
            RaftClientReply reply =
                g.client()
                    .admin()
                    .transferLeadership(
                        req.getTarget().isEmpty() ? null : RaftPeerId.valueOf(req.getTarget()),
                        api.budgetMs());
            if (!reply.isSuccess()) {
              throw ApiError.unavailable("transfer failed: " + reply.getException(), List.of());
            }
          } catch (IOException e) {
            throw ApiError.unavailable("transfer failed: " + e.getMessage(), List.of());
          }
          return TransferLeadershipResponse.newBuilder()
              .setLeader(req.getTarget().isEmpty() ? g.leader().orElse("") : req.getTarget())
              .build();
        });
  }

  @Override
  public void addDaemon(AddDaemonRequest req, StreamObserver<AddDaemonResponse> out) {
    ApiSupport.replyNow(
        out,
        () -> {
          DaemonRecord d =
              DaemonRecord.newBuilder()
                  .setId(req.getId())
                  .setRaftAddress(req.getRaftAddress())
                  .setApiAddress(req.getApiAddress())
                  .setHttpAddress(req.getHttpAddress())
                  .build();
          ApiSupport.check(
              () -> {
                Validate.nodeId("id", d.getId());
                Validate.range(
                    "id length",
                    d.getId().length(),
                    1,
                    Limits.DAEMON_ID_BYTES_MAX,
                    "DAEMON_ID_BYTES_MAX");
                Validate.address("raft_address", d.getRaftAddress());
                Validate.address("api_address", d.getApiAddress());
                if (!d.getHttpAddress().isEmpty()) {
                  Validate.address("http_address", d.getHttpAddress());
                }
              });
          if (region.regionPeers().contains(d.getId())) {
            throw ApiError.status(
                com.google.rpc.Code.ALREADY_EXISTS,
                "daemon " + d.getId() + " is already in the region",
                List.of());
          }
          if (region.regionPeers().size() >= Limits.DAEMONS_PER_REGION_MAX) {
            throw ApiError.status(
                com.google.rpc.Code.RESOURCE_EXHAUSTED,
                "region has "
                    + Limits.DAEMONS_PER_REGION_MAX
                    + " daemons, limit DAEMONS_PER_REGION_MAX",
                List.of());
          }
          RaftPeer peer = Region.peer(d);
          addToGroup(region.regionGroup(), peer);
          join(
              api.write(
                  region.regionGroup(),
                  Command.newBuilder()
                      .setRegisterDaemon(RegisterDaemon.newBuilder().setDaemon(d))
                      .build(),
                  "region"));
          region.directory().update(List.of(d));
          for (RingRuntime r : region.rings()) {
            addToGroup(r.group(), peer);
          }
          return AddDaemonResponse.newBuilder()
              .addAllDaemons(
                  region.directory().all().stream().map(AdminServiceImpl::daemon).toList())
              .build();
        });
  }

  /** Starts the group, empty, on the new server, then adds it to the configuration (ratis.md 7). */
  private void addToGroup(GroupHandle g, RaftPeer peer) {
    try (RaftClient direct = region.clientFor(g.groupId(), peer)) {
      RaftClientReply added;
      try {
        added = direct.getGroupManagementApi(peer.getId()).add(RaftGroup.valueOf(g.groupId()));
      } catch (AlreadyExistsException e) {
        // The new daemon started the group itself: once it applied the region's catalog (this call
        // added it to the region group first), its reconciler starts every ring group listed there.
        added = null;
      }
      if (added != null && !added.isSuccess()) {
        throw ApiError.unavailable(
            "daemon "
                + peer.getId()
                + " did not start group "
                + g.groupId()
                + ": "
                + added.getException(),
            List.of());
      }
      List<RaftPeer> peers = new ArrayList<>(g.division().orElseThrow().getGroup().getPeers());
      if (peers.stream().anyMatch(p -> p.getId().equals(peer.getId()))) {
        return; // already a member (an AddDaemon retried after it got this far)
      }
      peers.add(peer);
      RaftClientReply reply = g.client().admin().setConfiguration(peers);
      if (!reply.isSuccess()) {
        throw ApiError.unavailable(
            "adding "
                + peer.getId()
                + " to group "
                + g.groupId()
                + " failed: "
                + reply.getException(),
            List.of());
      }
    } catch (IOException e) {
      throw ApiError.unavailable(
          "adding " + peer.getId() + " to group " + g.groupId() + " failed: " + e.getMessage(),
          List.of());
    }
  }

  @Override
  public void removeDaemon(RemoveDaemonRequest req, StreamObserver<RemoveDaemonResponse> out) {
    ApiSupport.replyNow(
        out,
        () -> {
          ApiSupport.check(() -> Validate.nodeId("id", req.getId()));
          if (!region.regionPeers().contains(req.getId())) {
            throw ApiError.notFound("daemon " + req.getId() + " is not in the region");
          }
          if (region.regionPeers().size() <= 1) {
            throw ApiError.status(
                com.google.rpc.Code.FAILED_PRECONDITION,
                "cannot remove the region's last daemon",
                List.of());
          }
          for (RingRuntime r : region.rings()) {
            removeFromGroup(r.group(), req.getId());
          }
          removeFromGroup(region.regionGroup(), req.getId());
          join(
              api.write(
                  region.regionGroup(),
                  Command.newBuilder()
                      .setUnregisterDaemon(UnregisterDaemon.newBuilder().setDaemonId(req.getId()))
                      .build(),
                  "region"));
          region.directory().remove(req.getId());
          return RemoveDaemonResponse.newBuilder()
              .addAllDaemons(
                  region.directory().all().stream().map(AdminServiceImpl::daemon).toList())
              .build();
        });
  }

  private static void removeFromGroup(GroupHandle g, String id) {
    List<RaftPeer> peers = new ArrayList<>();
    for (RaftPeer p : g.division().orElseThrow().getGroup().getPeers()) {
      if (!p.getId().toString().equals(id)) {
        peers.add(p);
      }
    }
    try {
      RaftClientReply reply = g.client().admin().setConfiguration(peers);
      if (!reply.isSuccess()) {
        throw ApiError.unavailable(
            "removing " + id + " from group " + g.groupId() + " failed: " + reply.getException(),
            List.of());
      }
    } catch (IOException e) {
      throw ApiError.unavailable("removing " + id + " failed: " + e.getMessage(), List.of());
    }
  }

  @Override
  public void snapshot(SnapshotRequest req, StreamObserver<SnapshotResponse> out) {
    ApiSupport.replyNow(
        out,
        () -> {
          GroupHandle g =
              req.getGroup().isEmpty() ? region.regionGroup() : api.ring(req.getGroup()).group();
          try {
            // A creation gap of 1 snapshots whenever anything was applied since the last one; 0
            // would mean Ratis's configured gap (1024 entries) and quietly skip smaller groups.
            RaftClientReply reply =
                g.client()
                    .getSnapshotManagementApi(region.server().getId())
                    .create(1, api.budgetMs());
            if (!reply.isSuccess()) {
              throw ApiError.unavailable("snapshot failed: " + reply.getException(), List.of());
            }
            return SnapshotResponse.newBuilder().setIndex(reply.getLogIndex()).build();
          } catch (IOException e) {
            throw ApiError.unavailable("snapshot failed: " + e.getMessage(), List.of());
          }
        });
  }

  private static Result join(CompletableFuture<Result> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw ApiSupport.toStatus(e);
    }
  }
}
