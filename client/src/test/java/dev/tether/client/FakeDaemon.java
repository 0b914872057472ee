package dev.tether.client;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake daemon for client tests: a gRPC server with the fake services a test gives it, on a real
 * socket at 127.0.0.1 ({@link #start}) or on the in-process transport ({@link #startInProcess}). It
 * counts calls by method name and can send a {@code tether-leader} header.
 */
final class FakeDaemon implements AutoCloseable {
  private static final AtomicInteger IN_PROCESS_NAMES = new AtomicInteger(1);

  private final Server server;
  private final String address;
  private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private volatile String leaderHeader;

  private FakeDaemon(ServerBuilder<?> builder, String inProcessName, BindableService... services) {
    ServerInterceptor interceptor = new Interceptor();
    for (BindableService service : services) {
      builder.addService(ServerInterceptors.intercept(service, interceptor));
    }
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    address = inProcessName != null ? inProcessName : "127.0.0.1:" + server.getPort();
  }

  /** A fake daemon on 127.0.0.1 and a free port. */
  static FakeDaemon start(BindableService... services) {
    return new FakeDaemon(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), null, services);
  }

  /**
   * A fake daemon on the in-process transport with a direct executor: a client whose channels come
   * from {@link #inProcessChannels} gets every answer synchronously, inside the call that caused
   * it, so tests that step time by hand need no waiting.
   */
  static FakeDaemon startInProcess(BindableService... services) {
    // The name doubles as the endpoint, so it has the host:port form the client requires.
    String name = "in-process-" + IN_PROCESS_NAMES.getAndIncrement() + ":1";
    return new FakeDaemon(InProcessServerBuilder.forName(name).directExecutor(), name, services);
  }

  /** The channel factory that reaches {@link #startInProcess} daemons by their address. */
  static ManagedChannel inProcessChannels(Endpoint endpoint) {
    return InProcessChannelBuilder.forName(endpoint.toString()).directExecutor().build();
  }

  /** A loopback address where nothing listens. */
  static String deadAddress() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String address() {
    return address;
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
