package dev.tether.client;

import dev.tether.api.v1.LookupRequest;
import dev.tether.api.v1.LookupResponse;
import dev.tether.api.v1.Node;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OpenResponse;
import dev.tether.api.v1.OwnerAnswer;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.Session;
import dev.tether.api.v1.SessionServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/** Small fake services whose answers name the daemon that gave them, or fail on demand. */
final class FakeServices {
  private FakeServices() {}

  /** Answers Lookup with an owner named after {@code daemon}, or throws the set error. */
  static final class Owner extends OwnerServiceGrpc.OwnerServiceImplBase {
    final String daemon;
    final AtomicReference<StatusRuntimeException> error = new AtomicReference<>();

    Owner(String daemon) {
      this.daemon = daemon;
    }

    @Override
    public void lookup(LookupRequest request, StreamObserver<LookupResponse> out) {
      StatusRuntimeException e = error.get();
      if (e != null) {
        out.onError(e);
        return;
      }
      out.onNext(
          LookupResponse.newBuilder()
              .setAnswer(
                  OwnerAnswer.newBuilder()
                      .setSessionId(request.getSessionId())
                      .setOwner(Node.newBuilder().setId("owner-from-" + daemon))
                      .setAuthoritative(true)
                      .setRingEpoch(7))
              .build());
      out.onCompleted();
    }
  }

  /** Answers Open with a session owned by a node named after {@code daemon}, or throws. */
  static final class Sessions extends SessionServiceGrpc.SessionServiceImplBase {
    final String daemon;
    final AtomicReference<StatusRuntimeException> error = new AtomicReference<>();

    Sessions(String daemon) {
      this.daemon = daemon;
    }

    @Override
    public void open(OpenRequest request, StreamObserver<OpenResponse> out) {
      StatusRuntimeException e = error.get();
      if (e != null) {
        out.onError(e);
        return;
      }
      out.onNext(
          OpenResponse.newBuilder()
              .setSession(
                  Session.newBuilder()
                      .setId(request.getSessionId())
                      .setOwner(Node.newBuilder().setId("owner-from-" + daemon))
                      .setFencingToken(11))
              .setCreated(true)
              .build());
      out.onCompleted();
    }
  }

  /** A daemon with both fake services. */
  static final class Daemon implements AutoCloseable {
    final Owner owner;
    final Sessions sessions;
    final FakeDaemon server;

    Daemon(String name) {
      owner = new Owner(name);
      sessions = new Sessions(name);
      server = FakeDaemon.start(owner, sessions);
    }

    String address() {
      return server.address();
    }

    int calls(String method) {
      return server.calls(method);
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
