package dev.tether.daemon.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Adds the {@code tether-leader} response header ({@code daemonId=host:port} of the Raft leader
 * that committed a write), so that clients can send later writes of that ring straight to it. A
 * handler sets the value through {@link #set} before it answers; the header goes out with the
 * response's first message.
 */
final class LeaderHeader implements ServerInterceptor {
  static final Metadata.Key<String> KEY =
      Metadata.Key.of("tether-leader", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<AtomicReference<String>> HOLDER = Context.key("tether-leader");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    AtomicReference<String> holder = new AtomicReference<>();
    ServerCall<Q, R> wrapped =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            String leader = holder.get();
            if (leader != null) {
              responseHeaders.put(KEY, leader);
            }
            super.sendHeaders(responseHeaders);
          }
        };
    return Contexts.interceptCall(
        Context.current().withValue(HOLDER, holder), wrapped, headers, next);
  }

  /** The current call's holder, or null outside a call; capture it before going asynchronous. */
  static AtomicReference<String> holder() {
    return HOLDER.get();
  }
}
