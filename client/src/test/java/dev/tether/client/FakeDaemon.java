package dev.tether.client;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake daemon for client tests: a real gRPC server on 127.0.0.1 with the fake services a test
 * gives it. It counts calls by method name and can send a {@code tether-leader} header.
 */
final class FakeDaemon implements AutoCloseable {
  private final Server server;
  private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private volatile String leaderHeader;

  private FakeDaemon(BindableService... services) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    ServerInterceptor interceptor = new Interceptor();
    for (BindableService service : services) {
      builder.addService(ServerInterceptors.intercept(service, interceptor));
    }
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FakeDaemon start(BindableService... services) {
    return new FakeDaemon(services);
  }

  /** A loopback address where nothing listens. */
  static String deadAddress() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Calls of a method, by bare name (e.g. {@code Lookup}). */
  int calls(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  /** Sends {@code tether-leader: value} on every later response (null: none). */
  void leaderHeader(String value) {
    this.leaderHeader = value;
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Interceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      calls
          .computeIfAbsent(call.getMethodDescriptor().getBareMethodName(), k -> new AtomicInteger())
          .incrementAndGet();
      String leader = leaderHeader;
      ServerCall<Q, R> wrapped =
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata h) {
              if (leader != null) {
                h.put(Endpoints.LEADER_HEADER, leader);
              }
              super.sendHeaders(h);
            }

            @Override
            public void close(Status status, Metadata trailers) {
              if (leader != null && !status.isOk()) {
                trailers.put(Endpoints.LEADER_HEADER, leader);
              }
              super.close(status, trailers);
            }
          };
      return next.startCall(wrapped, headers);
    }
  }
}
