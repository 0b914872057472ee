package dev.tether.daemon.ring;

import dev.tether.statemachine.ratis.GroupCommitter;
import dev.tether.statemachine.ratis.TetherStateMachine;
import java.io.IOException;
import java.util.Optional;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * One Raft group as this daemon sees it: its local division and state machine, a client that sends
 * writes to the group's leader (group commit), and linearizable reads served locally.
 */
public final class GroupHandle implements AutoCloseable {
  private final RaftServer server;
  private final RaftGroupId groupId;
  private final RaftClient client;
  private final GroupCommitter committer;
  private final ReadBatcher reads;

  public GroupHandle(
      RaftServer server,
      RaftGroupId groupId,
      RaftClient client,
      int maxCommands,
      int maxInFlight,
      int readBatchMax,
      int readInFlightMax) {
    this.server = server;
    this.groupId = groupId;
    this.client = client;
    this.committer = new GroupCommitter(client, maxCommands, maxInFlight);
    this.reads = new ReadBatcher(client, server.getId(), readBatchMax, readInFlightMax);
  }

  public RaftGroupId groupId() {
    return groupId;
  }

  public RaftClient client() {
    return client;
  }

  public GroupCommitter committer() {
    return committer;
  }

  public ReadBatcher reads() {
    return reads;
  }

  /** The local division, or empty when this server does not (or no longer) host the group. */
  public Optional<RaftServer.Division> division() {
    try {
      return Optional.of(server.getDivision(groupId));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The local state machine (the group must be hosted here). */
  public TetherStateMachine stateMachine() {
    return (TetherStateMachine)
        division()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "group " + groupId + " is not hosted on " + server.getId()))
            .getStateMachine();
  }

  public boolean isLeader() {
    return division().map(d -> d.getInfo().isLeader() && d.getInfo().isLeaderReady()).orElse(false);
  }

  public long term() {
    return division().map(d -> d.getInfo().getCurrentTerm()).orElse(0L);
  }

  /** The leader's daemon id as this replica knows it. */
  public Optional<String> leader() {
    return division().map(d -> d.getInfo().getLeaderId()).map(RaftPeerId::toString);
  }

  /**
   * Milliseconds since this replica last heard from a leader: 0 on a leader that still has a
   * majority, -1 if never.
   */
  public long msSinceLeaderContact() {
    Optional<RaftServer.Division> d = division();
    if (d.isEmpty()) {
      return -1;
    }
    DivisionInfo info = d.get().getInfo();
    RoleInfoProto role = info.getRoleInfoProto();
    if (role.getRole() == RaftPeerRole.LEADER) {
      // A leader hears from "a leader" as long as a majority acknowledges it: report the time
      // since the follower whose acknowledgement completes the majority last answered. An isolated
      // leader thus looks as stale as it is, before Ratis makes it step down.
      long[] elapsed =
          role.getLeaderInfo().getFollowerInfoList().stream()
              .mapToLong(f -> f.getLastRpcElapsedTimeMs())
              .sorted()
              .toArray();
      int needed = (elapsed.length + 1) / 2; // followers needed besides the leader for a majority
      return needed == 0 ? 0 : elapsed[Math.min(needed, elapsed.length) - 1];
    }

    if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
      return role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
    }
    return -1;
  }

  public long appliedIndex() {
    return division().map(d -> d.getInfo().getLastAppliedIndex()).orElse(0L);
  }

  public String role() {
    return division().map(d -> d.getInfo().getCurrentRole().name()).orElse("NONE");
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // Closing a client only releases channels; nothing to recover.
    }
  }
}
