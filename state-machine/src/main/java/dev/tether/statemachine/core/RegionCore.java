package dev.tether.statemachine.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.tether.proto.internal.Catalog;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.CreateRing;
import dev.tether.proto.internal.DaemonRecord;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.RegionMeta;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.ResultBatch;
import dev.tether.proto.internal.RingCatalogEntry;
import dev.tether.proto.internal.UpdatePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The deterministic core of the region group: the catalog of rings (and their policies) and the
 * daemons of the region. Same rules as {@link RingCore}: pure, single-threaded, time from the log.
 */
public final class RegionCore implements GroupCore {
  private final KvStore store;

  /** A core over {@code store}. */
  public RegionCore(KvStore store) {
    this.store = store;
  }

  /** Applies one log entry, one result per command. */
  @Override
  public RingCore.Applied apply(CommandBatch batch, long index, long term) {
    RegionMeta meta = meta();
    long now = Math.max(meta.getLastTimeMs(), batch.getTimeMs());
    List<Event> events = new ArrayList<>();
    ResultBatch.Builder out = ResultBatch.newBuilder().setIndex(index);
    boolean changed = false;
    for (Command c : batch.getCommandsList()) {
      Result.Builder r;
      try {
        r = dispatch(c, index);
        changed = true;
      } catch (Rejection e) {
        r = Result.newBuilder().setCode(e.code()).setMessage(e.getMessage());
      }
      out.addResults(r);
    }
    RegionMeta.Builder next = meta.toBuilder().setLastTimeMs(now);
    if (changed) {
      next.setCatalogEpoch(index);
      events.add(new Event.CatalogChanged(index));
    }
    store.put(Table.META, Keys.META, next.build().toByteArray());
    return new RingCore.Applied(out.build(), events);
  }

  private Result.Builder dispatch(Command c, long index) {
    return switch (c.getKindCase()) {
      case CREATE_RING -> createRing(c.getCreateRing(), index);
      case DELETE_RING -> {
        NodeCommands.check(
            () -> Validate.ringName("delete_ring.name", c.getDeleteRing().getName()));
        RingCatalogEntry e = ring(c.getDeleteRing().getName());
        store.delete(Table.CATALOG, Keys.bytes(e.getName()));
        yield Result.newBuilder().setCatalogEntry(e);
      }
      case UPDATE_POLICY -> updatePolicy(c.getUpdatePolicy());
      case REGISTER_DAEMON -> {
        DaemonRecord d = c.getRegisterDaemon().getDaemon();
        NodeCommands.check(
            () -> {
              Validate.nodeId("register_daemon.id", d.getId());
              Validate.range(
                  "register_daemon.id length",
                  d.getId().length(),
                  1,
                  Limits.DAEMON_ID_BYTES_MAX,
                  "DAEMON_ID_BYTES_MAX");
              Validate.address("register_daemon.raft_address", d.getRaftAddress());
              Validate.address("register_daemon.api_address", d.getApiAddress());
              if (!d.getHttpAddress().isEmpty()) {
                Validate.address("register_daemon.http_address", d.getHttpAddress());
              }
            });
        if (store.get(Table.DAEMONS, Keys.bytes(d.getId())) == null
            && store.scan(Table.DAEMONS, new byte[0], new byte[0], Integer.MAX_VALUE).size()
                >= Limits.DAEMONS_PER_REGION_MAX) {
          throw new Rejection(
              ErrorCode.ERROR_CODE_LIMIT_EXCEEDED,
              "region has "
                  + Limits.DAEMONS_PER_REGION_MAX
                  + " daemons, limit DAEMONS_PER_REGION_MAX");
        }
        store.put(Table.DAEMONS, Keys.bytes(d.getId()), d.toByteArray());
        yield Result.newBuilder();
      }
      case UNREGISTER_DAEMON -> {
        String id = c.getUnregisterDaemon().getDaemonId();
        NodeCommands.check(() -> Validate.nodeId("unregister_daemon.daemon_id", id));
        if (store.get(Table.DAEMONS, Keys.bytes(id)) == null) {
          throw Rejection.notFound("daemon " + id + " is not registered");
        }
        store.delete(Table.DAEMONS, Keys.bytes(id));
        yield Result.newBuilder();
      }
      case KIND_NOT_SET -> throw Rejection.invalid("command has no kind");
      default ->
          throw new Rejection(
              ErrorCode.ERROR_CODE_WRONG_GROUP, c.getKindCase() + " is a ring command");
    };
  }

  private Result.Builder createRing(CreateRing cmd, long index) {
    NodeCommands.check(
        () -> {
          Validate.ringName("create_ring.name", cmd.getName());
          Validate.policy("create_ring.policy", cmd.getPolicy());
          Validate.range(
              "create_ring.peers count",
              cmd.getPeersCount(),
              1,
              Limits.DAEMONS_PER_REGION_MAX,
              "DAEMONS_PER_REGION_MAX");
          for (String peer : cmd.getPeersList()) {
            Validate.nodeId("create_ring.peers", peer);
          }
          try {

            UUID.fromString(cmd.getGroupId());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "create_ring.group_id '" + cmd.getGroupId() + "' is not a UUID", e);
          }
        });
    if (store.get(Table.CATALOG, Keys.bytes(cmd.getName())) != null) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_ALREADY_EXISTS, "ring " + cmd.getName() + " already exists");
    }
    int rings = store.scan(Table.CATALOG, new byte[0], new byte[0], Integer.MAX_VALUE).size();
    if (rings >= Limits.RINGS_PER_REGION_MAX) {
      throw new Rejection(
          ErrorCode.ERROR_CODE_LIMIT_EXCEEDED,
          "region has "
              + rings
              + " rings, limit RINGS_PER_REGION_MAX is "
              + Limits.RINGS_PER_REGION_MAX);
    }
    RingCatalogEntry e =
        RingCatalogEntry.newBuilder()
            .setName(cmd.getName())
            .setGroupId(cmd.getGroupId())
            .setPolicy(cmd.getPolicy())
            .setCreatedIndex(index)
            .addAllPeers(cmd.getPeersList())
            .build();

    store.put(Table.CATALOG, Keys.bytes(e.getName()), e.toByteArray());
    return Result.newBuilder().setCatalogEntry(e);
  }

  private Result.Builder updatePolicy(UpdatePolicy cmd) {
    NodeCommands.check(
        () -> {
          Validate.ringName("update_policy.name", cmd.getName());
          Validate.policy("update_policy.policy", cmd.getPolicy());
        });
    RingCatalogEntry e = ring(cmd.getName()).toBuilder().setPolicy(cmd.getPolicy()).build();
    store.put(Table.CATALOG, Keys.bytes(e.getName()), e.toByteArray());
    return Result.newBuilder().setCatalogEntry(e);
  }

  private RingCatalogEntry ring(String name) {
    byte[] bytes = store.get(Table.CATALOG, Keys.bytes(name));
    if (bytes == null) {
      throw Rejection.notFound("ring " + name + " does not exist");
    }
    return parse(bytes, RingCatalogEntry.parser());
  }

  /** The region's meta record (an empty one before the first entry). */
  public RegionMeta meta() {
    byte[] bytes = store.get(Table.META, Keys.META);
    return bytes == null ? RegionMeta.getDefaultInstance() : parse(bytes, RegionMeta.parser());
  }

  /** Answers a catalog query. */
  @Override
  public QueryResult query(Query q, long appliedIndex) {
    QueryResult.Builder r =
        QueryResult.newBuilder().setAppliedIndex(appliedIndex).setEpoch(meta().getCatalogEpoch());
    if (q.getKindCase() != Query.KindCase.CATALOG) {
      return r.setErrorCode(ErrorCode.ERROR_CODE_WRONG_GROUP)
          .setErrorMessage(q.getKindCase() + " is a ring query")
          .build();
    }
    return r.setCatalog(catalog()).build();
  }

  @Override
  public void reload() {
    // Nothing is held in memory.
  }

  @Override
  public void checkSummary() {
    meta();
    catalog();
  }

  /** The catalog: every ring and daemon. */
  public Catalog catalog() {
    Catalog.Builder c = Catalog.newBuilder().setRegion(meta());
    for (KvStore.Entry e : store.scan(Table.CATALOG, new byte[0], new byte[0], Integer.MAX_VALUE)) {
      c.addRings(parse(e.value(), RingCatalogEntry.parser()));
    }
    for (KvStore.Entry e : store.scan(Table.DAEMONS, new byte[0], new byte[0], Integer.MAX_VALUE)) {
      c.addDaemons(parse(e.value(), DaemonRecord.parser()));
    }
    return c.build();
  }

  private static <T extends MessageLite> T parse(
      byte[] bytes, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvariantViolation("stored region record does not parse: " + e.getMessage());
    }
  }
}
