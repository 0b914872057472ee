package dev.tether.bench.peers;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * The gRPC ceiling: a unary echo of raw bytes, served with the same gRPC-Java server stack and
 * builder defaults as the daemon's API ({@code NettyServerBuilder}, default executor), in its own
 * process. No protobuf on either side: what it measures is the transport.
 *
 * <p>{@code java -cp CP dev.tether.bench.peers.EchoServer PORT}
 */
public final class EchoServer {
  private EchoServer() {}

  /** Bytes in, the same bytes out. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> UNARY =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("bench.Echo/Unary")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("bench.Echo")
            .addMethod(
                UNARY,
                ServerCalls.asyncUnaryCall(
                    (req, out) -> {
                      out.onNext(req);
                      out.onCompleted();
                    }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(service)
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "echo-shutdown"));
    server.awaitTermination();
  }
}
