package dev.tether.daemon.ring;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * On the groups this daemon leads, drops the connection to every follower that lacks committed
 * entries and has neither acknowledged anything new nor answered at all for a stall period, so that
 * Ratis dials it afresh. A follower that answers (slowly catching up, installing a snapshot,
 * rejecting entries while the leader probes its log) is left to Ratis: resetting its connection
 * discards the appends in flight (the chaos suite's snapshot-install seed 1 kept a follower 35 s
 * behind while a version that also reset answering followers did so every few seconds).
 *
 * <p>Why: a partition that drops packets (rather than refusing connections) leaves the leader's TCP
 * connection to the cut-off follower established, with unacknowledged data and an exponentially
 * growing retransmission timeout. After the heal, Ratis 3.3.0 keeps timing out appends on that
 * connection until the kernel's next retransmission, which came 20 s after the heal in the chaos
 * suite's random-halves seed 2: the follower's commit index stayed put while the others moved on.
 * Ratis has no option for TCP keepalive or a TCP user timeout on its channels, so this resets the
 * peer's proxy ({@code RaftServerRpc.handleException} with reconnect), as Ratis itself does after
 * some I/O errors; the new connection gets through at once. Resetting the proxy of a follower that
 * really is unreachable costs a failed dial. Not thread-safe: one caller (the duty thread).
 */
public final class StalledFollowers {
  private record Key(RaftGroupId group, RaftPeerId peer) {}

  /** Per follower: the last match index seen and when it last changed or was last reset. */
  private final Map<Key, long[]> progress = new HashMap<>();

  private final long stallNanos;

  public StalledFollowers(long stallMs) {
    if (stallMs < 1) {
      throw new IllegalArgumentException("stallMs is " + stallMs + ", must be at least 1");
    }
    this.stallNanos = stallMs * 1_000_000L;
  }

  /**
   * Checks the followers of {@code group} if this daemon leads it; returns those it reconnected (at
   * most once per stall period each).
   */
  public List<String> check(GroupHandle group, long nowNanos) {
    Optional<RaftServer.Division> d = group.division();
    if (d.isEmpty() || !d.get().getInfo().isLeader()) {
      progress.keySet().removeIf(k -> k.group().equals(group.groupId()));
      return List.of();
    }
    DivisionInfo info = d.get().getInfo();
    long[] match = info.getFollowerMatchIndices();
    List<ServerRpcProto> followers = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
    // Both lists come from the leader's log appenders, in their order; if the appenders changed in
    // between, the lengths differ or the next check sees them right. (No array while a new leader
    // sets up its appenders.)
    if (match == null || match.length != followers.size()) {
      return List.of();
    }
    long committed = d.get().getRaftLog().getLastCommittedIndex();
    List<String> reset = new ArrayList<>();
    for (int i = 0; i < match.length; i++) {
      RaftPeerId peer = RaftPeerId.valueOf(followers.get(i).getId().getId());
      long[] p = progress.computeIfAbsent(new Key(group.groupId(), peer), k -> new long[] {-1, 0});
      if (match[i] != p[0] || match[i] >= committed) {
        p[0] = match[i];
        p[1] = nowNanos;
      } else if (nowNanos - p[1] >= stallNanos
          && followers.get(i).getLastRpcElapsedTimeMs() * 1_000_000L >= stallNanos) {
        p[1] = nowNanos;
        group
            .server()
            .getServerRpc()
            .handleException(
                peer,
                new IOException(
                    "follower "
                        + peer
                        + " of "
                        + group.groupId()
                        + " acknowledged nothing new for "
                        + stallNanos / 1_000_000
                        + " ms while behind the commit index"),
                true);
        reset.add(peer.toString());
      }
    }
    return reset;
  }
}
