package dev.tether.chaos.history;

/**
 * One client operation of a run, from invocation to completion, as the checkers see it (Jepsen's
 * invoke/complete pair folded into one record once the operation has ended).
 *
 * @param id unique, in invocation order
 * @param process the logical process that ran it; a process whose operation ended {@link
 *     Outcome#INFO} is retired and never runs another (Jepsen's rule)
 * @param daemon the daemon the process's client is bound to (reads are served there; writes may
 *     follow the ring leader's hint)
 * @param kind what was called
 * @param key the session id
 * @param stale true for a STALE read (LINEARIZABLE otherwise)
 * @param request what was asked for a write (token, expected version, data)
 * @param invokeNanos invocation time, nanoseconds since the run started
 * @param completeNanos completion time, nanoseconds since the run started
 * @param outcome ok, fail (did not happen) or info (unknown)
 * @param result the answer when ok, or the daemon's last known answer carried by a failed
 *     LINEARIZABLE lookup; null otherwise
 * @param error the error's code and reason when not ok, else empty
 */
public record Op(
    long id,
    int process,
    String daemon,
    OpKind kind,
    String key,
    boolean stale,
    Request request,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    Answer result,
    String error) {

  /** What a write asked for. */
  public record Request(long token, long version, String data) {
    public static final Request NONE = new Request(0, 0, "");
  }

  /**
   * What a daemon answered about a session.
   *
   * @param token the fencing token (0 when not pinned)
   * @param owner the owner node's id (empty when none)
   * @param version the state version (-1 when the call does not report it)
   * @param data the state blob as text (null when the call does not report it)
   * @param authoritative confirmed with a majority
   * @param pinned the session exists
   * @param pendingRehome the owner is the node a pending rehome will choose, not the stored one
   * @param flaggedStale the answer carried staleness facts
   * @param appliedIndex the answering replica's applied index (0 when unknown)
   */
  public record Answer(
      long token,
      String owner,
      long version,
      String data,
      boolean authoritative,
      boolean pinned,
      boolean pendingRehome,
      boolean flaggedStale,
      long appliedIndex) {}

  /** True for LINEARIZABLE reads (lookups and state reads). */
  public boolean linearizableRead() {
    return kind.isRead() && !stale;
  }

  /** Duration from invocation to completion, nanoseconds. */
  public long latencyNanos() {
    return completeNanos - invokeNanos;
  }

  /** True when this operation ended before {@code other} began (real-time order). */
  public boolean precedes(Op other) {
    return completeNanos < other.invokeNanos;
  }
}
