package dev.tether.statemachine.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.ResultBatch;
import dev.tether.statemachine.core.Limits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: coalesces concurrent client commands of one Raft group into one log entry ({@link
 * CommandBatch}), bounded by count and bytes, with at most {@code maxInFlight} entries outstanding.
 * While entries are in flight, new commands queue and leave together in the next.
 *
 * <p>Two rules keep the fencing token "the log index of the owner assignment" exact: commands that
 * name the same session never share an entry, and leader duties that move many sessions (rehome,
 * expiry) always travel alone ({@link #submitAlone}).
 *
 * <p>Commands that name the same session (or, for membership, the ring) apply in the order they
 * were submitted: a command waits in the queue while an entry in flight names one of its keys.
 * Ratis's ordered async stream alone does not give that order: a request refused while a new leader
 * gets ready is sent again after later requests were accepted, and two threads that each take a
 * batch can send them in either order.
 */
public final class GroupCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

  /** Most entries in flight at once. */
  public static final int IN_FLIGHT_MAX = 512;

  /**
   * Least time between two switches to a hinted leader, ms (bounds client churn on flaky links).
   */
  static final long LEADER_SWITCH_INTERVAL_MS_MIN = 1_000;

  /**
   * Least time an entry must have been in flight to a server other than the hinted leader before it
   * is answered as unknown, ms. Younger ones are on their normal way: a follower's "not leader"
   * reply sends Ratis's client to the leader within a round trip (at start-up the client's first
   * guess is often a follower), and abandoning those would fail commands that were about to commit.
   * An entry sent to a cut-off leader is older than this by the time another leader was elected (an
   * election timeout, at least 150 ms, plus the vote).
   */
  static final long STUCK_ENTRY_MS_MIN = 400;

  /** How long a replaced client lives on, so that its requests in flight can end, ms. */
  static final long RETIRED_CLIENT_CLOSE_MS = 60_000;

  private static final ScheduledExecutorService RETIRER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tether-client-retire");
            t.setDaemon(true);
            return t;
          });

  private final Function<RaftPeerId, RaftClient> reconnect;
  private final Supplier<RaftPeerId> leaderHint;
  private final List<RaftClient> replacements = new ArrayList<>();

  /**
   * Entries sent and not answered, per client, with the leader each was sent to and when; guarded
   * by {@link #replacements}.
   */
  private final Map<RaftClient, Map<CompletableFuture<RaftClientReply>, Sent>> outstanding =
      new IdentityHashMap<>();

  /** Where and when an entry was sent. */
  private record Sent(RaftPeerId target, long nanos) {
    /** Whether it went to a server other than {@code leader} at least STUCK_ENTRY_MS_MIN ago. */
    boolean stuckElsewhere(RaftPeerId leader, long now) {
      return !leader.equals(target) && now - nanos >= STUCK_ENTRY_MS_MIN * 1_000_000L;
    }
  }

  private volatile RaftClient client;
  private boolean closed; // guarded by replacements
  private long lastSwitchNanos; // guarded by replacements
  private final int maxCommands;
  private final int maxBytes;
  private final int maxInFlight;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Set<String> inFlightKeys = new HashSet<>();
  private int inFlight;
  private long entries;
  private long commands;

  private record Pending(
      Command command, Set<String> keys, int bytes, CompletableFuture<Result> future) {}

  /**
   * A committer over {@code client}.
   *
   * @param maxCommands commands per entry; 1 turns group commit off
   * @param maxInFlight entries outstanding at once
   */
  public GroupCommitter(RaftClient client, int maxCommands, int maxInFlight) {
    this(client, null, null, maxCommands, maxInFlight);
  }

  /**
   * A committer over {@code client} that replaces it with {@code reconnect}'s when Ratis has closed
   * its ordered stream. Ratis 3.3.0 closes a client's ordered sliding window for good once one
   * request runs out of retries (a long election, a partition): every later {@code async().send}
   * then fails at once with {@link AlreadyClosedException}, so without a new client the daemon
   * would refuse every write until restarted. The replacements are closed by {@link #close}.
   *
   * @param reconnect makes a new client for the same group; null to never replace
   */
  public GroupCommitter(
      RaftClient client, Supplier<RaftClient> reconnect, int maxCommands, int maxInFlight) {
    this(
        client,
        reconnect == null ? null : leader -> reconnect.get(),
        null,
        maxCommands,
        maxInFlight);
  }

  /**
   * As above, and also follows {@code leaderHint}: when it names a leader other than the one the
   * client would send to, the committer switches to a client made for that leader ({@code
   * reconnect.apply(leader)}). Ratis's client leaves a leader that stopped answering (cut off, or
   * paused, without a connection reset) only when a request attempt times out, about an election
   * timeout later, and then tries the peers in turn; the local replica learns the new leader as
   * soon as it is elected. At most one switch a second; replaced clients are closed a minute later,
   * when their requests in flight have ended.
   *
   * @param reconnect makes a new client for the same group, aimed at the given leader (null: any)
   * @param leaderHint the group's current leader as the local replica knows it, null when unsure
   */
  public GroupCommitter(
      RaftClient client,
      Function<RaftPeerId, RaftClient> reconnect,
      Supplier<RaftPeerId> leaderHint,
      int maxCommands,
      int maxInFlight) {
    if (maxCommands < 1 || maxCommands > Limits.COMMANDS_PER_BATCH_MAX) {
      throw new IllegalArgumentException(
          "group_commit.max_commands is "
              + maxCommands
              + ", must be in [1, COMMANDS_PER_BATCH_MAX="
              + Limits.COMMANDS_PER_BATCH_MAX
              + "]");
    }
    if (maxInFlight < 1 || maxInFlight > IN_FLIGHT_MAX) {
      throw new IllegalArgumentException(
          "group_commit.max_in_flight is "
              + maxInFlight
              + ", must be in [1, IN_FLIGHT_MAX="
              + IN_FLIGHT_MAX
              + "]");
    }
    this.client = client;
    this.reconnect = reconnect;
    this.leaderHint = reconnect == null ? null : leaderHint;
    this.maxCommands = maxCommands;
    this.maxBytes = Limits.BATCH_BYTES_MAX / 2;
    this.maxInFlight = maxInFlight;
  }

  /** Submits one client command; completes with its result once its entry is applied. */
  public CompletableFuture<Result> submit(Command command) {
    CompletableFuture<Result> future = new CompletableFuture<>();
    synchronized (this) {
      queue.add(new Pending(command, keysOf(command), command.getSerializedSize(), future));
    }
    pump();
    return future;
  }

  /** Submits commands as one entry of their own (leader duties), bypassing the queue. */
  public CompletableFuture<ResultBatch> submitAlone(List<Command> batch) {
    return send(CommandBatch.newBuilder().addAllCommands(batch).build());
  }

  /** Entries sent and commands carried so far (for the batch-size metric). */
  public synchronized long[] counters() {
    return new long[] {entries, commands};
  }

  private void pump() {
    while (true) {
      List<Pending> batch;
      Set<String> batchKeys = new HashSet<>();
      synchronized (this) {
        if (inFlight >= maxInFlight || queue.isEmpty()) {
          return;
        }
        batch = takeBatch(batchKeys);
        if (batch.isEmpty()) {
          return; // every queued command waits for an entry in flight
        }
        inFlightKeys.addAll(batchKeys);
        inFlight++;
        entries++;
        commands += batch.size();
      }
      CommandBatch.Builder entry = CommandBatch.newBuilder();
      for (Pending p : batch) {
        entry.addCommands(p.command());
      }
      send(entry.build())
          .whenComplete(
              (results, error) -> {
                synchronized (this) {
                  inFlight--;
                  inFlightKeys.removeAll(batchKeys);
                }
                complete(batch, results, error);
                pump();
              });
    }
  }

  /**
   * Takes the next batch from the queue, adding its keys to {@code batchKeys}; the caller holds the
   * lock. A command is skipped when one of its keys is in the batch, in flight, or held by a
   * skipped command before it.
   */
  private List<Pending> takeBatch(Set<String> batchKeys) {
    List<Pending> batch = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    int bytes = 0;
    for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < maxCommands; ) {
      Pending p = it.next();
      boolean clash = false;
      for (String k : p.keys()) {
        if (keys.contains(k) || inFlightKeys.contains(k)) {
          clash = true;
          break;
        }
      }
      if (clash) {
        // Leave it queued; its session's later commands clash too, so per-session order holds.
        keys.addAll(p.keys());
        continue;
      }
      if (!batch.isEmpty() && bytes + p.bytes() > maxBytes) {
        break;
      }
      it.remove();
      batch.add(p);
      keys.addAll(p.keys());
      batchKeys.addAll(p.keys());
      bytes += p.bytes();
    }
    return batch;
  }

  private CompletableFuture<ResultBatch> send(CommandBatch entry) {
    return sendRaw(entry).thenApply(GroupCommitter::resultsOf);
  }

  /** A committed probe: the server that committed it as the group's leader, and its log index. */
  public record Probe(RaftPeerId leader, long index) {}

  /**
   * Commits an empty entry of its own and completes with the server that committed it as the
   * group's leader and the entry's log index. Proof, for that server, that it led the group with a
   * majority behind it at some moment after this call; and, for any replica that has applied the
   * index, that it has applied every write acknowledged before this call.
   */
  public CompletableFuture<Probe> probe() {
    return sendRaw(CommandBatch.getDefaultInstance())
        .thenApply(
            reply -> {
              if (!reply.isSuccess()) {
                throw new CompletionException(reply.getException());
              }
              return new Probe(reply.getServerId(), reply.getLogIndex());
            });
  }

  private CompletableFuture<RaftClientReply> sendRaw(CommandBatch entry) {
    RaftClient used = clientForLeader();
    CompletableFuture<RaftClientReply> answer = new CompletableFuture<>();
    synchronized (replacements) {
      outstanding
          .computeIfAbsent(used, c -> new HashMap<>())
          .put(answer, new Sent(used.getLeaderId(), System.nanoTime()));
    }
    used.async()
        .send(Codec.message(entry))
        .whenComplete(
            (reply, error) -> {
              synchronized (replacements) {
                Map<CompletableFuture<RaftClientReply>, Sent> of = outstanding.get(used);
                if (of != null && of.remove(answer) != null && of.isEmpty()) {
                  outstanding.remove(used); // no map left behind for a retired client
                }
              }
              if (error != null && closedStream(error)) {
                replace(used);
              }
              if (error != null) {
                answer.completeExceptionally(error);
              } else {
                answer.complete(reply);
              }
            });
    return answer;
  }

  /**
   * An entry in flight to a server that is no longer the group's leader, for longer than {@link
   * #STUCK_ENTRY_MS_MIN}: it is answered at once, as unknown, rather than when Ratis's client gives
   * up on that server (an election timeout per attempt). Its keys and its in-flight slot are freed,
   * so later commands for the same sessions need not wait; the entry itself may still commit.
   */
  public static final class LeaderChangedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LeaderChangedException(RaftPeerId from, RaftPeerId to) {
      super(
          "sent to "
              + from
              + ", but the group's leader is now "
              + to
              + "; the entry was not confirmed and may still be applied");
    }
  }

  private static boolean closedStream(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AlreadyClosedException) {
        return true;
      }
    }
    return false;
  }

  /** Replaces {@code broken} with a new client, once, unless the committer was closed. */
  private void replace(RaftClient broken) {
    if (reconnect == null) {
      return;
    }
    synchronized (replacements) {
      if (client != broken || closed) {
        return;
      }
      RaftClient fresh = reconnect.apply(null);
      replacements.add(fresh);
      client = fresh;
    }
  }

  /**
   * The client to send with: the current one, or a new one if the leader hint names another leader
   * or the current client has an entry stuck on another leader. Ratis's client keeps a client's
   * writes in order, and the leader holds a request until the client's earlier ones have reached
   * it: an entry stuck on a cut-off leader would hold every later one back until Ratis retried it,
   * even after the client itself moved on to the new leader. Entries stuck on another leader, of
   * this client or of one replaced before, are answered as unknown ({@link #abandonStuck}).
   */
  private RaftClient clientForLeader() {
    RaftClient current = client;
    if (leaderHint == null) {
      return current;
    }
    RaftPeerId leader = leaderHint.get();
    if (leader == null) {
      return current;
    }
    long now = System.nanoTime();
    synchronized (replacements) {
      boolean stuck = abandonStuck(leader, now);
      if (leader.equals(current.getLeaderId()) && !stuck) {
        return current;
      }
      if (client != current
          || closed
          || (lastSwitchNanos != 0
              && now - lastSwitchNanos < LEADER_SWITCH_INTERVAL_MS_MIN * 1_000_000L)) {
        return client;
      }
      lastSwitchNanos = now;
      RaftClient fresh = reconnect.apply(leader);
      replacements.add(fresh);
      client = fresh;
      Map<CompletableFuture<RaftClientReply>, Sent> left = outstanding.get(current);
      LOG.info(
          "{}: sending to leader {} with a new client (the old one sent to {}, {} entries still in"
              + " flight)",
          current.getGroupId(),
          leader,
          current.getLeaderId(),
          left == null ? 0 : left.size());
      if (left != null) {
        // Those left may be stuck too, once old enough; look again then even if nothing is sent.
        RETIRER.schedule(this::abandonStuckNow, STUCK_ENTRY_MS_MIN + 10, TimeUnit.MILLISECONDS);
      }
      if (replacements.remove(current)) {
        // Only clients this committer made are closed; the first one is its caller's.
        RETIRER.schedule(
            () -> closeQuietly(current), RETIRED_CLIENT_CLOSE_MS, TimeUnit.MILLISECONDS);
      }
      return fresh;
    }
  }

  private void abandonStuckNow() {
    RaftPeerId leader = leaderHint.get();
    if (leader != null) {
      synchronized (replacements) {
        abandonStuck(leader, System.nanoTime());
      }
    }
  }

  /**
   * Answers as unknown, at once, every entry in flight that went to a server other than {@code
   * leader} at least {@link #STUCK_ENTRY_MS_MIN} ago, rather than when Ratis's client gives up on
   * that server (an election timeout per attempt); the caller holds {@link #replacements}.
   *
   * @return whether the current client had such an entry
   */
  private boolean abandonStuck(RaftPeerId leader, long now) {
    boolean currentHad = false;
    List<CompletableFuture<RaftClientReply>> abandoned = null;
    RaftPeerId from = null;
    for (Iterator<Map.Entry<RaftClient, Map<CompletableFuture<RaftClientReply>, Sent>>> clients =
            outstanding.entrySet().iterator();
        clients.hasNext(); ) {
      var perClient = clients.next();
      for (Iterator<Map.Entry<CompletableFuture<RaftClientReply>, Sent>> it =
              perClient.getValue().entrySet().iterator();
          it.hasNext(); ) {
        var e = it.next();
        if (e.getValue().stuckElsewhere(leader, now)) {
          it.remove();
          if (abandoned == null) {
            abandoned = new ArrayList<>();
          }
          abandoned.add(e.getKey());
          from = e.getValue().target();
          currentHad |= perClient.getKey() == client;
        }
      }
      if (perClient.getValue().isEmpty()) {
        clients.remove();
      }
    }
    if (abandoned != null) {
      List<CompletableFuture<RaftClientReply>> answered = abandoned;
      LOG.info(
          "{}: {} entries in flight to {} (not the leader {}) for over {} ms answered as unknown",
          client.getGroupId(),
          answered.size(),
          from,
          leader,
          STUCK_ENTRY_MS_MIN);
      LeaderChangedException why = new LeaderChangedException(from, leader);
      // Completed off this thread and outside the lock: completions run callbacks that pump.
      RETIRER.execute(() -> answered.forEach(f -> f.completeExceptionally(why)));
    }
    return currentHad;
  }

  private static void closeQuietly(RaftClient c) {
    try {
      c.close();
    } catch (IOException e) {
      // Closing a client only releases channels; nothing to recover.
    }
  }

  /** Closes the clients this committer made; the one it was given stays its caller's. */
  public void close() {
    List<RaftClient> owned;
    synchronized (replacements) {
      closed = true;
      owned = new ArrayList<>(replacements);
    }
    for (RaftClient c : owned) {
      try {
        c.close();
      } catch (IOException e) {
        // Closing a client only releases channels; nothing to recover.
      }
    }
  }

  private static ResultBatch resultsOf(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new CompletionException(reply.getException());
    }
    try {
      return Codec.parse(reply.getMessage(), ResultBatch.parser());
    } catch (InvalidProtocolBufferException e) {
      throw new CompletionException(e);
    }
  }

  private static void complete(List<Pending> batch, ResultBatch results, Throwable error) {
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture<Result> f = batch.get(i).future();
      if (error != null) {
        f.completeExceptionally(
            error instanceof CompletionException && error.getCause() != null
                ? error.getCause()
                : error);
      } else if (i < results.getResultsCount()) {
        f.complete(results.getResults(i).toBuilder().build());
      } else {
        f.completeExceptionally(
            new IllegalStateException(
                "entry "
                    + results.getIndex()
                    + " returned "
                    + results.getResultsCount()
                    + " results for "
                    + batch.size()
                    + " commands"));
      }
    }
  }

  /** The sessions a command names; commands with no session name none. */
  static Set<String> keysOf(Command c) {
    return switch (c.getKindCase()) {
      case OPEN_SESSION -> Set.of(c.getOpenSession().getSessionId());
      case CLOSE_SESSION -> Set.of(c.getCloseSession().getSessionId());
      case PUT_STATE -> Set.of(c.getPutState().getSessionId());
      case TOUCH_SESSIONS -> new HashSet<>(c.getTouchSessions().getSessionIdsList());
      case EXPIRE_SESSIONS -> new HashSet<>(c.getExpireSessions().getSessionIdsList());
      // A node's sessions can move when it changes state: keep membership changes one per entry.
      // InitRing too: nothing else applies to a ring before it.
      case INIT_RING,
          REHOME,
          EXPIRE_NODE,
          DRAIN,
          LEAVE,
          JOIN,
          ACTIVATE,
          ADVANCE_WARMUP,
          SET_WEIGHT,
          SET_POLICY ->
          Set.of("#membership");
      // Region group: a ring's or a daemon's catalog changes apply in order too.
      case CREATE_RING -> Set.of("#ring:" + c.getCreateRing().getName());
      case DELETE_RING -> Set.of("#ring:" + c.getDeleteRing().getName());
      case UPDATE_POLICY -> Set.of("#ring:" + c.getUpdatePolicy().getName());
      case REGISTER_DAEMON -> Set.of("#daemon:" + c.getRegisterDaemon().getDaemon().getId());
      case UNREGISTER_DAEMON -> Set.of("#daemon:" + c.getUnregisterDaemon().getDaemonId());
      default -> Set.of();
    };
  }
}
