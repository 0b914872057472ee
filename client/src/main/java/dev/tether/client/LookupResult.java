package dev.tether.client;

import dev.tether.api.v1.Node;
import dev.tether.api.v1.OwnerAnswer;
import java.util.Objects;
import java.util.Optional;

/**
 * Who owns a session: the answer of {@link TetherClient#lookup} and {@link
 * TetherClient#batchLookup}, and the last known answers of an {@link UnavailableException}.
 *
 * @param sessionId the session asked about
 * @param owner the owner node (its id, address, state); empty when the ring has no node to place
 *     the session on
 * @param pinned true when the session was opened; false for the placement's answer of a session
 *     never opened
 * @param fencingToken the log index at which the owner was assigned; 0 when not pinned
 * @param ringEpoch the ring epoch of the state that answered
 * @param appliedIndex the Raft log index the answering daemon had applied
 * @param authoritative true only for a LINEARIZABLE answer confirmed with a majority
 * @param pendingRehome true when the stored owner is gone and {@code owner} is where the rehome
 *     will move the session at this epoch
 * @param staleness present when the answer is not authoritative
 */
public record LookupResult(
    String sessionId,
    Optional<Node> owner,
    boolean pinned,
    long fencingToken,
    long ringEpoch,
    long appliedIndex,
    boolean authoritative,
    boolean pendingRehome,
    Optional<Staleness> staleness) {
  /** Checks for nulls. */
  public LookupResult {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(staleness, "staleness");
  }

  static LookupResult fromProto(OwnerAnswer a) {
    return new LookupResult(
        a.getSessionId(),
        a.hasOwner() ? Optional.of(a.getOwner()) : Optional.empty(),
        a.getPinned(),
        a.getFencingToken(),
        a.getRingEpoch(),
        a.getAppliedIndex(),
        a.getAuthoritative(),
        a.getPendingRehome(),
        a.hasStaleness() ? Optional.of(Staleness.fromProto(a.getStaleness())) : Optional.empty());
  }
}
