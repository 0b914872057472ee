package dev.tether.daemon.api;

import dev.tether.api.v1.InternalServiceGrpc;
import dev.tether.api.v1.RenewRequest;
import dev.tether.api.v1.RenewResponse;
import dev.tether.daemon.ring.LeaderDuties;
import dev.tether.statemachine.core.Validate;
import io.grpc.stub.StreamObserver;

/** InternalService: keepalives forwarded by follower daemons to the ring group's leader. */
final class InternalServiceImpl extends InternalServiceGrpc.InternalServiceImplBase {
  private final ApiSupport api;

  InternalServiceImpl(ApiSupport api) {
    this.api = api;
  }

  @Override
  public void renew(RenewRequest req, StreamObserver<RenewResponse> out) {
    ApiSupport.replyNow(
        out,
        () -> {
          var ring = api.ring(req.getRing());
          ApiSupport.check(() -> Validate.nodeId("node_id", req.getNodeId()));
          LeaderDuties.Renewal r = ring.duties().renew(req.getNodeId());
          return RenewResponse.newBuilder()
              .setRenewed(r.renewed())
              .setLeaseTtlMs(r.ttlMs())
              .setReason(r.reason())
              .build();
        });
  }
}
