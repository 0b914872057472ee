package dev.tether.statemachine.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.statemachine.core.GroupCore;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.store.RocksDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.FileUtils;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of one group: it only decodes, calls the deterministic core, persists and
 * snapshots. The live RocksDB sits in {@code <state-dir>/<group-uuid>/db}, outside Ratis's {@code
 * sm/} directory; snapshots are RocksDB checkpoints in {@code sm/} ({@link CheckpointStorage}). The
 * applied index is committed in the same RocksDB batch as the entry's writes, so a restart resumes
 * exactly after the last applied entry.
 *
 * <p>Lifecycle (ratis.md section 1.1): {@code initialize} moves NEW to RUNNING; {@code pause}
 * closes the store and moves to PAUSED; {@code reinitialize} swaps in the installed checkpoint and
 * moves back to RUNNING. Applies hold a write lock; queries a read lock.
 */
public final class TetherStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(TetherStateMachine.class);

  private final Path stateRoot;
  private final Function<RocksDbStore, GroupCore> coreFactory;
  private final LeaderClock clock;
  private final ApplyListener listener;
  private final boolean disableWal;
  private final CheckpointStorage storage = new CheckpointStorage();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AppliedIndexWaiters appliedWaiters = new AppliedIndexWaiters();
  private volatile SnapshotRetentionPolicy retention;
  private volatile RocksDbStore store;
  private volatile GroupCore core;
  private long lastStampMs;

  /**
   * A state machine whose live store lives under {@code stateRoot/<group-uuid>/db}.
   *
   * @param coreFactory makes the group's core over its store (ring or region)
   * @param clock the leader's clock, read when the leader stamps an entry
   * @param listener told about applied entries
   */
  public TetherStateMachine(
      Path stateRoot,
      Function<RocksDbStore, GroupCore> coreFactory,
      LeaderClock clock,
      ApplyListener listener) {
    this(stateRoot, coreFactory, clock, listener, false);
  }

  /** As above; {@code disableWal} is the chaos suite's planted "no fsync" bug. */
  public TetherStateMachine(
      Path stateRoot,
      Function<RocksDbStore, GroupCore> coreFactory,
      LeaderClock clock,
      ApplyListener listener,
      boolean disableWal) {
    this.stateRoot = stateRoot;
    this.coreFactory = coreFactory;
    this.clock = clock;
    this.listener = listener;
    this.disableWal = disableWal;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    int retained = RaftServerConfigKeys.Snapshot.retentionFileNum(server.getProperties());
    retention =
        new SnapshotRetentionPolicy() {
          @Override
          public int getNumSnapshotsRetained() {
            return retained;
          }
        };
    storage.init(raftStorage);
    getLifeCycle().startAndTransition(() -> open(false));
  }

  private Path dbDir() {
    return stateRoot.resolve(getGroupId().getUuid().toString()).resolve("db");
  }

  /** Opens the live store, first replacing it with the newest checkpoint if it is newer. */
  private void open(boolean fromInstall) throws IOException {
    Optional<Path> checkpoint = storage.latestDir();
    Path db = dbDir();
    if (checkpoint.isPresent()) {
      long checkpointIndex = CheckpointStorage.termIndexOf(checkpoint.get()).getIndex();
      long storeIndex = appliedIndexOf(db);
      if (fromInstall || checkpointIndex > storeIndex) {
        LOG.info(
            "{}: restoring store from {} (store at {})",
            getGroupId(),
            checkpoint.get(),
            storeIndex);
        replaceWithCheckpoint(db, checkpoint.get());
      }
    }
    store = RocksDbStore.open(db, disableWal);

    core = coreFactory.apply(store);
    core.checkSummary();
    TermIndex applied = TermIndex.valueOf(store.appliedTerm(), store.appliedIndex());
    setLastAppliedTermIndex(applied);
    storage.reload();
    SnapshotInfo latest = storage.getLatestSnapshot();
    if (applied.getIndex() > 0 && (latest == null || latest.getIndex() < applied.getIndex())) {
      // Ratis resumes applying after its latest snapshot, not after our applied index (ServerState
      // hands the snapshot index to the StateMachineUpdater). A store ahead of its newest
      // checkpoint, which is what a crash leaves, would get those entries again: BaseStateMachine
      // refuses the lower index and the division stops for good. Checkpointing the store as it
      // is makes the two indexes one.
      writeCheckpoint(applied);
      storage.cleanupOldSnapshots(retention);
    }
  }

  private static long appliedIndexOf(Path db) throws IOException {
    if (!Files.isDirectory(db)) {
      return -1;
    }
    try (RocksDbStore existing = RocksDbStore.open(db)) {
      return existing.appliedIndex();
    }
  }

  /** Copies a checkpoint's files (hard links where possible) into a fresh {@code db} directory. */
  private static void replaceWithCheckpoint(Path db, Path checkpoint) throws IOException {
    Path staging = db.resolveSibling("db.restoring");
    if (Files.exists(staging)) {
      FileUtils.deleteFully(staging);
    }
    Files.createDirectories(staging);
    try (Stream<Path> files = Files.list(checkpoint)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".md5")) {
          continue;
        }
        try {
          Files.createLink(staging.resolve(name), f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, staging.resolve(name));
        }
      }
    }
    if (Files.exists(db)) {
      FileUtils.deleteFully(db);
    }
    Files.move(staging, db);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return storage.getLatestSnapshot();
  }

  /**
   * Leader only: stamps the entry with the leader's clock, never going back. A request that is too
   * large or not a {@link CommandBatch} is refused here and never reaches the log.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) {
    int bytes = request.getMessage().getContent().size();
    if (bytes > Limits.BATCH_BYTES_MAX) {
      return refuse(
          request,
          new IllegalArgumentException(
              "entry is " + bytes + " bytes, limit BATCH_BYTES_MAX is " + Limits.BATCH_BYTES_MAX));
    }
    CommandBatch batch;
    try {
      batch = Codec.parse(request.getMessage(), CommandBatch.parser());
    } catch (InvalidProtocolBufferException e) {
      return refuse(
          request, new IllegalArgumentException("not a CommandBatch: " + e.getMessage(), e));
    }
    long stamp;
    synchronized (this) {
      stamp = Math.max(clock.nowMs(), lastStampMs);
      lastStampMs = stamp;
    }
    CommandBatch stamped = batch.toBuilder().setTimeMs(stamp).build();
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(Codec.bytes(stamped))
        .build();
  }

  /**
   * Refuses a request through its context: Ratis answers with a StateMachineException, which no
   * client retries. Thrown instead, the IOException left a retry-cache entry that never completes
   * and the client retried until its policy gave up (forever under Ratis's default policy).
   */
  private TransactionContext refuse(RaftClientRequest request, Exception why) {
    TransactionContext trx =
        TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request).build();
    trx.setException(why);
    return trx;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    CommandBatch batch;
    try {
      batch = Codec.parse(entry.getStateMachineLogEntry().getLogData(), CommandBatch.parser());
    } catch (InvalidProtocolBufferException e) {
      // A log entry that does not parse cannot be skipped without diverging: stop this replica.
      throw new InvariantViolationException("entry " + entry.getIndex() + " does not parse", e);
    }
    RingCore.Applied applied;
    lock.writeLock().lock();
    try {
      if (entry.getIndex() <= store.appliedIndex()) {
        // Applying an entry twice diverges silently; open() rules it out, this says if it broke.
        throw new InvariantViolationException(
            "entry " + entry.getIndex() + " is already in the store at " + store.appliedIndex(),
            null);
      }
      applied = core.apply(batch, entry.getIndex(), entry.getTerm());
      store.commit(entry.getIndex(), entry.getTerm());
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    } catch (RuntimeException e) {
      store.discard();
      LOG.error("{}: stopping: applying entry {} failed", getGroupId(), entry.getIndex(), e);
      throw e;
    } finally {
      lock.writeLock().unlock();
    }
    synchronized (this) {
      lastStampMs = Math.max(lastStampMs, batch.getTimeMs());
    }
    listener.applied(getGroupId(), entry.getIndex(), applied.events());
    appliedWaiters.advanced(entry.getIndex());
    return CompletableFuture.completedFuture(Codec.message(applied.results()));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      return CompletableFuture.completedFuture(
          Codec.message(queryLocal(Codec.parse(request, Query.parser()))));
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // Ratis replies with a StateMachineException, which clients do not retry; any other
      // exception reached the client as a retriable error, and it retried a bad query until its
      // policy gave up (forever under Ratis's default policy).
      return CompletableFuture.failedFuture(
          new StateMachineException("query failed: " + e.getMessage(), e));
    }
  }

  /**
   * Answers a query from this replica's applied state, without any coordination: the STALE read
   * path, and the last step of a linearizable read once Ratis has confirmed the read index.
   *
   * @throws UnavailableException while a snapshot is being installed, or after close
   */
  public QueryResult queryLocal(Query query) {
    lock.readLock().lock();
    try {
      requireOpen();
      return core.query(query, getLastAppliedTermIndex().getIndex());
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Completes once this replica has applied log index {@code index} (at once if it has); fails when
   * the group closes. A linearizable read waits here for the entry that confirmed it.
   */
  public CompletableFuture<Void> whenApplied(long index) {
    CompletableFuture<Void> f = appliedWaiters.await(index);
    // An apply between the caller's look at the applied index and the registration is not lost:
    // report the applied index again (advanced() is idempotent).
    appliedWaiters.advanced(getLastAppliedTermIndex().getIndex());
    return f;
  }

  /** Whether a read still waits for this replica to apply an index it has not reached. */
  public boolean readsWaitingForApply() {
    return appliedWaiters.anyWaiting();
  }

  /**
   * Runs {@code reader} against the core under the read lock (leader duties, status).
   *
   * @throws UnavailableException while a snapshot is being installed, or after close
   */
  public <T> T read(Function<GroupCore, T> reader) {
    lock.readLock().lock();
    try {
      requireOpen();
      return reader.apply(core);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The digest of the applied state (for convergence checks).
   *
   * @throws UnavailableException while a snapshot is being installed, or after close
   */
  public long digest() {
    return digestAt().digest();
  }

  /** The applied index and the digest of the state at exactly that index. */
  public record Digest(long appliedIndex, long digest) {}

  /**
   * The applied index and the digest of the applied state, read together under the read lock
   * (applies take the write lock): read apart, an entry applied in between pairs one index with the
   * next one's digest, and two equal replicas look different (a false convergence failure in the
   * chaos suite once read probes kept committing entries).
   *
   * @throws UnavailableException while a snapshot is being installed, or after close
   */
  public Digest digestAt() {
    lock.readLock().lock();
    try {
      requireOpen();
      return new Digest(getLastAppliedTermIndex().getIndex(), store.digest());
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Reads touch the store only while it is open. {@code pause()} closes it for a snapshot install,
   * and a read of a closed RocksDB is a native null dereference: a stale read that raced an install
   * killed the whole JVM with SIGSEGV (CatchUpTest). The caller holds the read lock.
   */
  private void requireOpen() {
    if (store == null) {
      throw new UnavailableException(
          getGroupId() + " has no open store (" + getLifeCycleState() + "); try again later");
    }
  }

  /** The live store, for metrics (disk size); {@code null} while paused or after close. */
  public RocksDbStore store() {
    return store;
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last.getIndex() <= 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    lock.writeLock().lock();
    try {
      core.checkSummary();
      if (store.appliedIndex() < last.getIndex()) {
        // Configuration entries advanced the applied index without a store write.
        store.commit(last.getIndex(), last.getTerm());
      }
      writeCheckpoint(last);
    } finally {
      lock.writeLock().unlock();
    }
    LOG.info("{}: snapshot at {}", getGroupId(), last);
    return last.getIndex();
  }

  /** Checkpoints the store, whose applied index is {@code at}, as the snapshot of {@code at}. */
  private void writeCheckpoint(TermIndex at) throws IOException {
    Path tmp = storage.tmpDirFor(at);
    if (Files.exists(tmp)) {
      FileUtils.deleteFully(tmp);
    }
    store.checkpoint(tmp);
    Path done = storage.dirFor(at);
    if (!Files.exists(done)) {
      Files.move(tmp, done);
    } else {
      FileUtils.deleteFully(tmp);
    }
    storage.completed(at);
  }

  @Override
  public void pause() {
    lock.writeLock().lock();
    try {
      if (getLifeCycle().getCurrentState() == LifeCycle.State.RUNNING) {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        closeStore();
        getLifeCycle().transition(LifeCycle.State.PAUSED);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void reinitialize() throws IOException {
    lock.writeLock().lock();
    try {
      storage.reload();
      closeStore();
      getLifeCycle().startAndTransition(() -> open(true));
    } finally {
      lock.writeLock().unlock();
    }
    LOG.info(
        "{}: reinitialized from installed snapshot at {}", getGroupId(), getLastAppliedTermIndex());
    listener.reloaded(getGroupId(), getLastAppliedTermIndex().getIndex());
    appliedWaiters.advanced(getLastAppliedTermIndex().getIndex());
  }

  private void closeStore() {
    RocksDbStore s = store;
    store = null;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      closeStore();
    } finally {
      lock.writeLock().unlock();
    }
    appliedWaiters.close(new UnavailableException("group " + getGroupId() + " closed"));
    super.close();
  }

  /** The applied state cannot be read now: a snapshot is being installed, or the group closed. */
  public static final class UnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message) {
      super(message);
    }
  }

  /** A log entry that cannot be applied: the replica must stop rather than diverge. */
  static final class InvariantViolationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InvariantViolationException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
