package dev.tether.client;

import dev.tether.api.v1.JoinRequest;
import dev.tether.api.v1.JoinResponse;
import dev.tether.api.v1.KeepAliveRequest;
import dev.tether.api.v1.KeepAliveResponse;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.NodeState;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake MembershipService for node agent tests: Join always succeeds; each KeepAlive is answered
 * with the current scripted response, held back until released, or failed.
 */
final class FakeMembership extends MembershipServiceGrpc.MembershipServiceImplBase {
  enum Mode {
    ANSWER,
    HOLD,
    FAIL
  }

  static KeepAliveResponse renewed(long ttlMs, NodeState state) {
    return KeepAliveResponse.newBuilder()
        .setRenewed(true)
        .setLeaseTtlMs(ttlMs)
        .setState(state)
        .setRingEpoch(4)
        .build();
  }

  final AtomicInteger joins = new AtomicInteger();
  final AtomicInteger keepAlives = new AtomicInteger();
  final AtomicInteger answered = new AtomicInteger();
  final AtomicInteger streams = new AtomicInteger();
  final AtomicInteger streamsEnded = new AtomicInteger();
  volatile Mode mode = Mode.ANSWER;
  volatile KeepAliveResponse answer = renewed(3000, NodeState.NODE_STATE_ACTIVE);
  volatile Status failure = Status.UNAVAILABLE;
  private final List<StreamObserver<KeepAliveResponse>> held = new ArrayList<>();

  @Override
  public void join(JoinRequest request, StreamObserver<JoinResponse> out) {
    joins.incrementAndGet();
    out.onNext(
        JoinResponse.newBuilder()
            .setNode(
                Node.newBuilder()
                    .setId(request.getNodeId())
                    .setAddress(request.getAddress())
                    .setState(NodeState.NODE_STATE_ACTIVE))
            .setRingEpoch(3)
            .build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<KeepAliveRequest> keepAlive(StreamObserver<KeepAliveResponse> out) {
    streams.incrementAndGet();
    return new StreamObserver<>() {
      @Override
      public void onNext(KeepAliveRequest request) {
        keepAlives.incrementAndGet();
        switch (mode) {
          case ANSWER -> send(out, answer);
          case HOLD -> {
            synchronized (held) {
              held.add(out);
            }
          }
          case FAIL -> out.onError(failure.asRuntimeException());
        }
      }

      @Override
      public void onError(Throwable t) {
        streamsEnded.incrementAndGet();
      }

      @Override
      public void onCompleted() {
        streamsEnded.incrementAndGet();
        out.onCompleted();
      }
    };
  }

  /** Answers every held request with {@code response}, in order. */
  void release(KeepAliveResponse response) {
    List<StreamObserver<KeepAliveResponse>> toAnswer;
    synchronized (held) {
      toAnswer = new ArrayList<>(held);
      held.clear();
    }
    for (StreamObserver<KeepAliveResponse> out : toAnswer) {
      send(out, response);
    }
  }

  private void send(StreamObserver<KeepAliveResponse> out, KeepAliveResponse response) {
    synchronized (out) {
      try {
        out.onNext(response);
        answered.incrementAndGet();
      } catch (RuntimeException e) {
        // The stream was cancelled meanwhile.
      }
    }
  }
}
