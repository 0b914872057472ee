package dev.tether.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemons a client talks to: one channel per address, the endpoint reads go to, and the leader
 * hint of each Raft group that writes go to.
 *
 * <p>Reads stick to the current endpoint until it fails, then move to the next configured one in
 * order. Writes of a group go to the group's hinted leader while there is one. Hints come from the
 * {@code tether-leader} header or trailer ({@code daemonId=host:port}) of any call to that group
 * and from {@code tether.v1.LeaderHint} error details; a hint is dropped when its endpoint fails.
 * Hints are kept per group because each ring is its own Raft group, with its own leader; the region
 * group is the empty name.
 */
final class Endpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Endpoints.class);

  /** The Raft group a call is for: a ring name, or "" for the region group. */
  static final CallOptions.Key<String> GROUP = CallOptions.Key.create("tether.group");

  /** The header or trailer naming the group's leader as {@code daemonId=host:port}. */
  static final Metadata.Key<String> LEADER_HEADER =
      Metadata.Key.of("tether-leader", Metadata.ASCII_STRING_MARSHALLER);

  private final List<String> configured;
  private final Function<Endpoint, ManagedChannel> channelFactory;
  private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Channel> intercepted = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> hints = new ConcurrentHashMap<>();
  private final AtomicInteger current = new AtomicInteger();
  private final ClientInterceptor hintReader = new HintReader();
  private volatile boolean closed;

  /**
   * @param configured validated, distinct {@code host:port} addresses
   */
  Endpoints(List<String> configured, Function<Endpoint, ManagedChannel> channelFactory) {
    this.configured = List.copyOf(configured);
    this.channelFactory = channelFactory;
  }

  /** The configured endpoints, in order. */
  List<String> configured() {
    return configured;
  }

  /** The endpoint for a call to {@code group}: its leader for a write when hinted, else current. */
  String pick(boolean write, String group) {
    if (write) {
      String hint = hints.get(group);
      if (hint != null) {
        return hint;
      }
    }
    return configured.get(Math.floorMod(current.get(), configured.size()));
  }

  /** Records that {@code address} failed a call to {@code group}: drop its hint, move reads on. */
  void failed(String address, String group) {
    hints.remove(group, address);
    int c = current.get();
    if (configured.get(Math.floorMod(c, configured.size())).equals(address)) {
      current.compareAndSet(c, c + 1);
    }
  }

  /** The current leader hint of {@code group}, or null. */
  String hint(String group) {
    return hints.get(group);
  }

  /** Remembers {@code address} as the leader of {@code group}, if it parses and fits the bounds. */
  void hint(String group, String address) {
    String normalized;
    try {
      normalized = Endpoint.parse("leader hint", address).toString();
    } catch (IllegalArgumentException e) {
      log.debug("ignoring leader hint for group '{}': {}", group, e.getMessage());
      return;
    }
    if (!configured.contains(normalized)
        && !channels.containsKey(normalized)
        && channels.size() >= ClientLimits.CHANNELS_MAX) {
      log.debug(
          "ignoring leader hint {}: CHANNELS_MAX={} reached",
          normalized,
          ClientLimits.CHANNELS_MAX);
      return;
    }
    if (hints.size() >= ClientLimits.LEADER_HINTS_MAX && !hints.containsKey(group)) {
      // More groups than a region can have: forget them all rather than grow.
      hints.clear();
    }
    hints.put(group, normalized);
  }

  /** The channel to {@code address}, opened on first use. */
  Channel channel(String address) {
    if (closed) {
      throw Errors.of(Status.Code.CANCELLED, "the client is closed", "", ErrorDetails.NONE, null);
    }
    return intercepted.computeIfAbsent(
        address,
        a -> {
          ManagedChannel raw =
              channels.computeIfAbsent(a, x -> channelFactory.apply(Endpoint.parse("endpoint", x)));
          return ClientInterceptors.intercept(raw, hintReader);
        });
  }

  @Override
  public void close() {
    closed = true;
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels.values()) {
      try {
        channel.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Reads the leader header and trailer of every call into the hints. */
  private final class HintReader implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      String group = options.getOption(GROUP);
      ClientCall<Q, R> call = next.newCall(method, options);
      if (group == null) {
        return call;
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata metadata) {
                  read(metadata);
                  super.onHeaders(metadata);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                  read(trailers);
                  super.onClose(status, trailers);
                }
              },
              headers);
        }

        private void read(Metadata metadata) {
          String value = metadata.get(LEADER_HEADER);
          if (value != null) {
            int eq = value.indexOf('=');
            hint(group, eq < 0 ? value : value.substring(eq + 1));
          }
        }
      };
    }
  }
}
