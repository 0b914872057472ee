package dev.tether.chaos.history;

/**
 * One Raft group's status as one daemon reported it (AdminService.Status).
 *
 * @param nanos when it was read, nanoseconds since the run started
 * @param daemon the daemon that answered
 * @param group {@code region} or a ring name
 * @param role LEADER, FOLLOWER, CANDIDATE or LISTENER
 * @param term the daemon's current term of the group
 * @param leader the leader the daemon knows, or empty
 * @param commitIndex its commit index
 * @param appliedIndex its applied index
 */
public record StatusSample(
    long nanos,
    String daemon,
    String group,
    String role,
    long term,
    String leader,
    long commitIndex,
    long appliedIndex) {

  public boolean leads() {
    return "LEADER".equals(role);
  }
}
