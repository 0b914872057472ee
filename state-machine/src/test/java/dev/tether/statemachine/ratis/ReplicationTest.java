package dev.tether.statemachine.ratis;

import static dev.tether.statemachine.ratis.Commands.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.proto.internal.CatalogQuery;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.CreateRing;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.ExpireNode;
import dev.tether.proto.internal.Join;
import dev.tether.proto.internal.OpenSession;
import dev.tether.proto.internal.OwnerAnswer;
import dev.tether.proto.internal.PutState;
import dev.tether.proto.internal.Query;
import dev.tether.proto.internal.QueryResult;
import dev.tether.proto.internal.Result;
import dev.tether.proto.internal.SessionView;
import dev.tether.proto.internal.SetWeight;
import dev.tether.statemachine.core.Limits;
import dev.tether.statemachine.testing.LocalCluster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.raftlog.RaftLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers over real gRPC and RocksDB: writes replicate to every replica, and every kind of
 * read (linearizable on the leader and on a follower, stale on any replica) sees them. Each test
 * has its own group on the shared cluster.
 */
class ReplicationTest {
  @TempDir static Path dir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws IOException {
    cluster = LocalCluster.start(dir, 3);
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  static RaftGroupId newRing(GroupCommitter committer, RaftGroupId gid, int nodes) {
    List<CompletableFuture<Result>> setup = new ArrayList<>();
    setup.add(committer.submit(Commands.initRing("ring")));
    for (int n = 0; n < nodes; n++) {
      setup.add(committer.submit(Commands.join(n)));
    }
    List<Result> results = setup.stream().map(Commands::get).toList();
    assertThat(results)
        .as("setup of %s", gid)
        .allMatch(r -> r.getCode() == ErrorCode.ERROR_CODE_OK);
    return gid;
  }

  /** Writes through group commit reach all three replicas; all reads agree with the writes. */
  @Test
  void writesReplicateToAllAndEveryReadSeesThem() throws IOException {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    GroupCommitter committer = cluster.committer(gid);
    newRing(committer, gid, 4);
    List<CompletableFuture<Result>> opens = new ArrayList<>();
    for (int s = 0; s < 500; s++) {
      opens.add(committer.submit(Commands.open("s-" + s)));
    }
    List<Result> results = opens.stream().map(Commands::get).toList();
    assertThat(results).allSatisfy(r -> assertThat(r.getSession().getCreated()).isTrue());

    long applied = cluster.awaitConverged(gid);
    assertThat(cluster.servers(gid)).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(cluster.appliedIndex(i, gid)).isEqualTo(applied);
      // The index and digest read together (the convergence checks' pair) agree everywhere.
      assertThat(cluster.stateMachine(i, gid).digestAt())
          .isEqualTo(new TetherStateMachine.Digest(applied, cluster.digest(0, gid)));
    }

    RaftClient client = cluster.client(gid);
    int leader = cluster.awaitLeader(gid);
    int follower = (leader + 1) % 3;
    for (int s = 0; s < 500; s += 97) {
      String id = "s-" + s;
      Result opened = results.get(s);
      QueryResult viaLeader = Commands.read(client, Commands.lookup(id));
      QueryResult viaFollower =
          Commands.read(client, Commands.lookup(id), cluster.peer(follower).getId());
      for (QueryResult r : List.of(viaLeader, viaFollower)) {
        OwnerAnswer a = r.getLookup().getAnswers(0);
        assertThat(a.getPinned()).isTrue();
        assertThat(a.getOwner().getId()).isEqualTo(opened.getSession().getSession().getOwner());
        assertThat(a.getFencingToken())
            .isEqualTo(opened.getSession().getSession().getFencingToken());
      }
      for (int i = 0; i < 3; i++) {
        QueryResult stale = cluster.stateMachine(i, gid).queryLocal(Commands.lookup(id));
        assertThat(stale.getLookup()).isEqualTo(viaLeader.getLookup());
        assertThat(stale.getAppliedIndex()).isEqualTo(applied);
      }
    }
  }

  /**
   * Group commit: many concurrent commands travel in fewer entries; each gets its own result; a
   * session's commands apply in the order they were submitted and never share an entry.
   */
  @Test
  void groupCommitCoalescesButKeepsEachSessionInOrder() throws IOException {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    GroupCommitter committer = cluster.committer(gid, 64, 8);
    newRing(committer, gid, 4);
    long[] before = committer.counters();
    int sessions = 1_000;
    List<CompletableFuture<Result>> first = new ArrayList<>();
    List<CompletableFuture<Result>> closes = new ArrayList<>();
    List<CompletableFuture<Result>> again = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      first.add(committer.submit(Commands.open("g-" + s)));
      closes.add(committer.submit(Commands.close("g-" + s)));
      again.add(committer.submit(Commands.open("g-" + s)));
    }
    for (int s = 0; s < sessions; s++) {
      Result opened = get(first.get(s));
      Result closed = get(closes.get(s));
      Result reopened = get(again.get(s));
      String id = "g-" + s;
      assertThat(List.of(opened, closed, reopened))
          .as("open, close, open of %s", id)
          .allMatch(r -> r.getCode() == ErrorCode.ERROR_CODE_OK)
          .allMatch(r -> r.getSession().getSessionId().equals(id));
      assertThat(opened.getSession().getCreated()).isTrue();
      assertThat(reopened.getSession().getCreated()).isTrue();
      // The token is the index of the entry that assigned the owner: a later entry each time.
      assertThat(reopened.getSession().getSession().getFencingToken())
          .isGreaterThan(opened.getSession().getSession().getFencingToken());
    }
    long[] after = committer.counters();
    long entries = after[0] - before[0];
    long commands = after[1] - before[1];
    assertThat(commands).isEqualTo(3L * sessions);
    assertThat(entries).isLessThan(commands / 4);

    int leader = cluster.awaitLeader(gid);
    RaftLog log = cluster.division(leader, gid).getRaftLog();
    int batches = 0;
    for (long i = log.getStartIndex(); i <= log.getLastCommittedIndex(); i++) {
      LogEntryProto e = log.get(i);
      if (e == null || !e.hasStateMachineLogEntry()) {
        continue;
      }
      CommandBatch batch =
          Codec.parse(e.getStateMachineLogEntry().getLogData(), CommandBatch.parser());
      Set<String> keys = new HashSet<>();
      for (Command c : batch.getCommandsList()) {
        for (String k : GroupCommitter.keysOf(c)) {
          assertThat(keys.add(k)).as("entry %d names %s twice", i, k).isTrue();
        }
      }
      batches++;
    }
    assertThat(batches).isPositive();
  }

  /**
   * Bad input through Ratis: every invalid command gets a typed error result and changes nothing a
   * query can see (only the ring's clock moves); undecodable bytes are refused before they reach
   * the log; every replica keeps running and agrees.
   */
  @Test
  void badInputGetsTypedErrorsAndChangesNothing() throws IOException {
    RaftGroupId gid = cluster.createGroup(RaftGroupId.randomId());
    GroupCommitter committer = cluster.committer(gid);
    newRing(committer, gid, 4);
    Traffic.run(committer, 7, 500, 200);
    cluster.awaitConverged(gid);
    TetherStateMachine sm = cluster.stateMachine(0, gid);
    String view = Commands.view(sm);
    SessionView some = sm.queryLocal(Commands.listSessions("")).getSessions().getSessions(0);

    Map<Command, ErrorCode> bad = new LinkedHashMap<>();
    bad.put(Commands.open("x".repeat(300)), ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    bad.put(
        Command.newBuilder()
            .setOpenSession(
                OpenSession.newBuilder()
                    .setSessionId("ttl")
                    .setTtlMs(Limits.SESSION_TTL_MS_MAX + 1))
            .build(),
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    bad.put(
        Command.newBuilder()
            .setJoin(Join.newBuilder().setNodeId("bad id").setAddress("a:1").setWeight(1))
            .build(),
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    bad.put(
        Command.newBuilder()
            .setJoin(Join.newBuilder().setNodeId("n1").setAddress("nowhere").setWeight(1))
            .build(),
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    bad.put(
        Command.newBuilder()
            .setSetWeight(SetWeight.newBuilder().setNodeId("n1").setWeight(0))
            .build(),
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    bad.put(Command.getDefaultInstance(), ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    bad.put(Commands.close("never-opened"), ErrorCode.ERROR_CODE_NOT_FOUND);
    bad.put(
        Command.newBuilder()
            .setPutState(
                PutState.newBuilder()
                    .setSessionId(some.getSessionId())
                    .setFencingToken(some.getSession().getFencingToken() - 1)
                    .setExpectedVersion(some.getSession().getStateVersion()))
            .build(),
        ErrorCode.ERROR_CODE_STALE_FENCING_TOKEN);
    bad.put(
        Command.newBuilder()
            .setExpireNode(ExpireNode.newBuilder().setNodeId("n1").setIssuerTerm(999_999))
            .build(),
        ErrorCode.ERROR_CODE_STALE_ISSUER);
    bad.put(Commands.initRing("again"), ErrorCode.ERROR_CODE_ALREADY_EXISTS);
    bad.put(
        Command.newBuilder().setCreateRing(CreateRing.newBuilder().setName("r")).build(),
        ErrorCode.ERROR_CODE_WRONG_GROUP);
    Map<Command, CompletableFuture<Result>> sent = new LinkedHashMap<>();
    bad.keySet().forEach(c -> sent.put(c, committer.submit(c)));
    sent.forEach(
        (c, f) -> assertThat(get(f).getCode()).as("%s", c.getKindCase()).isEqualTo(bad.get(c)));

    List<Command> tooMany = new ArrayList<>();
    for (int i = 0; i <= Limits.COMMANDS_PER_BATCH_MAX; i++) {
      tooMany.add(Commands.touch("s-1"));
    }
    assertThat(get(committer.submitAlone(tooMany)).getResultsList())
        .hasSize(tooMany.size())
        .allMatch(r -> r.getCode() == ErrorCode.ERROR_CODE_LIMIT_EXCEEDED);
    assertThat(get(committer.submitAlone(List.of())).getResultsList()).isEmpty();

    RaftClient client = cluster.client(gid);
    Message garbage = Message.valueOf(ByteBuffer.wrap(new byte[] {0x12, 0x05, 0x01}));
    assertThatThrownBy(() -> client.io().send(garbage))
        .isInstanceOf(StateMachineException.class)
        .hasMessageContaining("CommandBatch");
    Message huge = Message.valueOf(ByteBuffer.allocate(Limits.BATCH_BYTES_MAX + 1));
    assertThatThrownBy(() -> client.io().send(huge))
        .isInstanceOf(StateMachineException.class)
        .hasMessageContaining("BATCH_BYTES_MAX");
    assertThatThrownBy(() -> client.io().sendReadOnly(garbage))
        .isInstanceOf(StateMachineException.class);
    QueryResult wrongKind =
        Commands.read(
            client, Query.newBuilder().setCatalog(CatalogQuery.getDefaultInstance()).build());
    assertThat(wrongKind.getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);

    cluster.awaitConverged(gid);
    for (int i = 0; i < 3; i++) {
      assertThat(Commands.view(cluster.stateMachine(i, gid))).as("view of s%d", i).isEqualTo(view);
    }
    assertThat(get(committer.submit(Commands.open("after-bad"))).getSession().getCreated())
        .isTrue();
  }
}
