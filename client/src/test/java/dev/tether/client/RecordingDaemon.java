package dev.tether.client;

import com.google.protobuf.Message;
import dev.tether.api.v1.AdminServiceGrpc;
import dev.tether.api.v1.MembershipServiceGrpc;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.SessionServiceGrpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake daemon that serves every unary method of the four public services: it records each request
 * and answers with the response a test set for that method, or the empty response.
 */
final class RecordingDaemon implements AutoCloseable {
  final CopyOnWriteArrayList<Message> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Message>> answers = new ConcurrentHashMap<>();
  final FakeDaemon server;

  RecordingDaemon() {
    server =
        FakeDaemon.start(
            () -> service(OwnerServiceGrpc.getServiceDescriptor()),
            () -> service(SessionServiceGrpc.getServiceDescriptor()),
            () -> service(MembershipServiceGrpc.getServiceDescriptor()),
            () -> service(AdminServiceGrpc.getServiceDescriptor()));
  }

  String address() {
    return server.address();
  }

  /**
   * Answers later calls of {@code method} (bare name) with {@code responses} in order, the last one
   * repeated.
   */
  void answer(String method, Message... responses) {
    answers.put(method, new ConcurrentLinkedDeque<>(List.of(responses)));
  }

  /** The last request received, of the given type. */
  <T extends Message> T last(Class<T> type) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      if (type.isInstance(requests.get(i))) {
        return type.cast(requests.get(i));
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " was received");
  }

  private ServerServiceDefinition service(ServiceDescriptor descriptor) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor);
    for (MethodDescriptor<?, ?> method : descriptor.getMethods()) {
      if (method.getType() == MethodDescriptor.MethodType.UNARY) {
        b.addMethod(unary(method));
      } else {
        b.addMethod(refused(method));
      }
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private <Q, R> ServerMethodDefinition<Q, R> unary(MethodDescriptor<Q, R> method) {
    R empty =
        ((MethodDescriptor.PrototypeMarshaller<R>) method.getResponseMarshaller())
            .getMessagePrototype();
    return ServerMethodDefinition.create(
        method,
        ServerCalls.asyncUnaryCall(
            (request, out) -> {
              requests.add((Message) request);
              Deque<Message> script = answers.get(method.getBareMethodName());
              Message answer = null;
              if (script != null) {
                answer = script.size() > 1 ? script.poll() : script.peek();
              }
              out.onNext(answer != null ? (R) answer : empty);
              out.onCompleted();
            }));
  }

  /** Streams are not this fake's business: they fail at once. */
  private static <Q, R> ServerMethodDefinition<Q, R> refused(MethodDescriptor<Q, R> method) {
    return ServerMethodDefinition.create(
        method,
        (call, headers) -> {
          call.close(Status.UNIMPLEMENTED.withDescription("not faked"), new Metadata());
          return new ServerCall.Listener<>() {};
        });
  }

  @Override
  public void close() {
    server.close();
  }
}
