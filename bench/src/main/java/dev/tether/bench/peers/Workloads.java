package dev.tether.bench.peers;

import com.google.protobuf.ByteString;
import dev.tether.api.v1.Consistency;
import dev.tether.api.v1.LookupRequest;
import dev.tether.api.v1.OpenRequest;
import dev.tether.api.v1.OwnerServiceGrpc;
import dev.tether.api.v1.PutStateRequest;
import dev.tether.api.v1.SessionServiceGrpc;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The request kinds of every scenario, for each system, as {@link LoadGen.Conn}s. Tether is driven
 * through the raw {@code tether.v1} async stubs, not {@code TetherClient}: the client is blocking
 * (one thread per request in flight) and adds its retry layer, while jetcd is asynchronous, so the
 * stubs are the like-for-like transport comparison. Both sides run their callbacks on their
 * transport's event loop.
 */
final class Workloads {
  /** Deadline of one request in a throughput trial, milliseconds. */
  static final long DEADLINE_MS = 10_000;

  private Workloads() {}

  /** A fixed set of 36-character UUID keys, cycled by all slots together. */
  static final class Keys {
    final String[] ids;
    final ByteSequence[] etcdKeys;
    private final AtomicLong cursor = new AtomicLong();

    Keys(int count, long seed) {
      Random r = new Random(seed);
      ids = new String[count];
      etcdKeys = new ByteSequence[count];
      for (int i = 0; i < count; i++) {
        ids[i] = new UUID(r.nextLong(), r.nextLong()).toString();
        etcdKeys[i] = ByteSequence.from(ids[i], StandardCharsets.UTF_8);
      }
    }

    /** Given ids, for phases that draw their own. */
    Keys(String[] given) {
      ids = given;
      etcdKeys = new ByteSequence[0];
    }

    int next() {
      return (int) Math.floorMod(cursor.getAndIncrement(), (long) ids.length);
    }
  }

  static byte[] payload(int bytes, long seed) {
    byte[] b = new byte[bytes];
    new Random(seed).nextBytes(b);
    return b;
  }

  // ---- Tether ----

  static LoadGen.Conn tetherOpen(ManagedChannel ch, String ring, Keys keys) {
    SessionServiceGrpc.SessionServiceStub stub = SessionServiceGrpc.newStub(ch);
    return slot ->
        unary(
            stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)::open,
            OpenRequest.newBuilder().setRing(ring).setSessionId(keys.ids[keys.next()]).build());
  }

  /** One Open of {@code id} on a fresh stub (untimed setup paths). */
  static CompletableFuture<?> tetherOpenId(ManagedChannel ch, String ring, String id) {
    return unary(
        SessionServiceGrpc.newStub(ch).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)::open,
        OpenRequest.newBuilder().setRing(ring).setSessionId(id).build());
  }

  static LoadGen.Conn tetherLookup(
      ManagedChannel ch, String ring, Keys keys, Consistency consistency) {
    OwnerServiceGrpc.OwnerServiceStub stub = OwnerServiceGrpc.newStub(ch);
    return slot ->
        unary(
            stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)::lookup,
            LookupRequest.newBuilder()
                .setRing(ring)
                .setSessionId(keys.ids[keys.next()])
                .setConsistency(consistency)
                .build());
  }

  /**
   * Compare-and-set of a 1 KB state blob: every slot owns one session ({@code cas-<slot>}) and
   * writes it with the version it last saw; a refused CAS counts in {@code conflicts} and the slot
   * re-reads its version.
   */
  static final class TetherCas {
    private final String ring;
    private final ByteString data;
    private final long[] token;
    private final long[] version;
    final AtomicLong conflicts = new AtomicLong();

    TetherCas(String ring, int slots, byte[] data) {
      this.ring = ring;
      this.data = ByteString.copyFrom(data);
      this.token = new long[slots];
      this.version = new long[slots];
    }

    static String id(int slot) {
      return "cas-" + slot;
    }

    /** Opens every slot's session and reads its token and version (not measured). */
    void setup(ManagedChannel ch, int slots) {
      SessionServiceGrpc.SessionServiceStub stub = SessionServiceGrpc.newStub(ch);
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int s = 0; s < slots; s++) {
        int slot = s;
        all.add(
            unary(
                    stub.withDeadlineAfter(30, TimeUnit.SECONDS)::open,
                    OpenRequest.newBuilder().setRing(ring).setSessionId(id(slot)).build())
                .thenAccept(
                    r -> {
                      token[slot] = r.getSession().getFencingToken();
                      version[slot] = r.getSession().getStateVersion();
                    }));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
    }

    /** Slots are the load generator's global slot ids (connection × in flight + slot). */
    LoadGen.Conn conn(ManagedChannel ch) {
      SessionServiceGrpc.SessionServiceStub stub = SessionServiceGrpc.newStub(ch);
      return slot -> {
        return unary(
                stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)::putState,
                PutStateRequest.newBuilder()
                    .setRing(ring)
                    .setSessionId(id(slot))
                    .setFencingToken(token[slot])
                    .setExpectedVersion(version[slot])
                    .setData(data)
                    .build())
            .whenComplete(
                (r, e) -> {
                  if (e == null) {
                    version[slot] = r.getVersion();
                  } else {
                    conflicts.incrementAndGet();
                  }
                });
      };
    }
  }

  // ---- etcd ----

  static LoadGen.Conn etcdPut(Client c, Keys keys, byte[] value) {
    KV kv = c.getKVClient();
    ByteSequence v = ByteSequence.from(value);
    return slot -> kv.put(keys.etcdKeys[keys.next()], v);
  }

  static LoadGen.Conn etcdGet(Client c, Keys keys, boolean serializable) {
    KV kv = c.getKVClient();
    GetOption opt = GetOption.builder().withSerializable(serializable).build();
    return slot -> kv.get(keys.etcdKeys[keys.next()], opt);
  }

  /** {@code Txn(If mod_revision(key) == r Then Put(key, 1 KB))}, one key per slot. */
  static final class EtcdCas {
    private final ByteSequence value;
    private final long[] revision;
    final AtomicLong conflicts = new AtomicLong();

    EtcdCas(int slots, byte[] value) {
      this.value = ByteSequence.from(value);
      this.revision = new long[slots];
    }

    static ByteSequence key(int slot) {
      return ByteSequence.from("cas/" + slot, StandardCharsets.UTF_8);
    }

    void setup(Client c, int slots) {
      KV kv = c.getKVClient();
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int s = 0; s < slots; s++) {
        int slot = s;
        all.add(
            kv.put(key(slot), value).thenAccept(r -> revision[slot] = r.getHeader().getRevision()));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
    }

    /** Slots are the load generator's global slot ids (connection × in flight + slot). */
    LoadGen.Conn conn(Client c) {
      KV kv = c.getKVClient();
      return slot -> {
        ByteSequence key = key(slot);
        return kv.txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision[slot])))
            .Then(Op.put(key, value, PutOption.DEFAULT))
            .commit()
            .thenCompose(
                r -> {
                  if (r.isSucceeded()) {
                    revision[slot] = r.getHeader().getRevision();
                    return CompletableFuture.completedFuture(r);
                  }
                  conflicts.incrementAndGet();
                  return kv.get(key)
                      .thenApply(
                          g -> {
                            revision[slot] = g.getKvs().get(0).getModRevision();
                            return r;
                          });
                });
      };
    }
  }

  // ---- echo ----

  static LoadGen.Conn echo(ManagedChannel ch, byte[] payload) {
    return slot -> {
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      ClientCalls.asyncUnaryCall(
          ch.newCall(
              EchoServer.UNARY,
              CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)),
          payload,
          observer(f));
      return f;
    };
  }

  // ---- plumbing ----

  static <Q, R> CompletableFuture<R> unary(BiConsumer<Q, StreamObserver<R>> call, Q request) {
    CompletableFuture<R> f = new CompletableFuture<>();
    call.accept(request, observer(f));
    return f;
  }

  static <R> StreamObserver<R> observer(CompletableFuture<R> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(R value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!f.isDone()) {
          f.completeExceptionally(new IllegalStateException("completed without a response"));
        }
      }
    };
  }
}
