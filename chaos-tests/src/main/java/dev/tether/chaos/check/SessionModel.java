package dev.tether.chaos.check;

import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.Outcome;
import java.util.Objects;

/**
 * The sequential specification of one session for {@link Wgl}: a compare-and-set register of the
 * session's state blob, fenced by the session's owner token.
 *
 * <p>State: the fencing token, the owner of that token (null while unknown), the state version and
 * the blob. Owner changes are not client operations here (the leader rehomes the sessions of a DOWN
 * or drained node), so the model lets the environment raise the token at any moment: an answer that
 * shows a higher token is preceded by such a hidden move. A token can never go down, and one token
 * has one owner.
 *
 * <ul>
 *   <li>PutState(token, expected version, data), ok: only with the current token (or a higher one a
 *       hidden move installed) and the current version; the version grows by one. Unknown: the same
 *       effect when those hold, else none.
 *   <li>GetState, ok: the token and owner as above, the version and blob exactly.
 *   <li>Lookup, ok and pinned: the token and owner as above (with {@code pending_rehome} the owner
 *       is a prediction: only the token counts). A lookup that says the session does not exist is
 *       impossible: workload sessions never close.
 *   <li>Open of the (existing) session, ok: as GetState without the blob; unknown: no constraint.
 * </ul>
 */
public final class SessionModel implements Model<SessionModel.State, Op> {
  /** The session's state; {@code owner} null when not yet known for this token. */
  public record State(long token, String owner, long version, String data) {}

  private final State initial;

  public SessionModel(State initial) {
    this.initial = initial;
  }

  /** True for the operations this model takes (the others carry nothing linearizable). */
  public static boolean relevant(Op op) {
    return switch (op.kind()) {
      case PUT -> op.outcome() != Outcome.FAIL;
      case GET, LOOKUP -> op.outcome() == Outcome.OK && !op.stale();
      case OPEN -> op.outcome() != Outcome.FAIL;
      case OPEN_NEW -> false;
    };
  }

  @Override
  public State init() {
    return initial;
  }

  @Override
  public State step(State s, Op op) {
    boolean unknown = op.outcome() == Outcome.INFO;
    return switch (op.kind()) {
      case PUT -> put(s, op, unknown);
      case GET -> {
        Op.Answer a = op.result();
        State seen = observe(s, a.token(), a.owner());
        yield seen != null && a.version() == s.version() && Objects.equals(a.data(), s.data())
            ? seen
            : null;
      }
      case LOOKUP -> {
        Op.Answer a = op.result();
        if (!a.pinned()) {
          yield null;
        }
        yield observe(s, a.token(), a.pendingRehome() ? "" : a.owner());
      }
      case OPEN -> {
        if (unknown) {
          yield s;
        }
        Op.Answer a = op.result();
        State seen = observe(s, a.token(), a.owner());
        yield seen != null && (a.version() < 0 || a.version() == s.version()) ? seen : null;
      }
      case OPEN_NEW -> throw new IllegalArgumentException("not a workload key operation: " + op);
    };
  }

  private static State put(State s, Op op, boolean unknown) {
    Op.Request r = op.request();
    boolean applies = r.token() >= s.token() && r.version() == s.version();
    if (!applies) {
      return unknown ? s : null;
    }
    if (!unknown && op.result() != null && op.result().version() != s.version() + 1) {
      return null;
    }
    String owner = r.token() == s.token() ? s.owner() : null;
    return new State(r.token(), owner, s.version() + 1, r.data());
  }

  /** The state after an answer showing {@code token} owned by {@code owner} ("" = not shown). */
  static State observe(State s, long token, String owner) {
    if (token < s.token()) {
      return null;
    }
    String shown = owner == null || owner.isEmpty() ? null : owner;
    if (token > s.token()) {
      return new State(token, shown, s.version(), s.data());
    }
    if (shown == null) {
      return s;
    }
    if (s.owner() == null) {
      return new State(s.token(), shown, s.version(), s.data());
    }
    return shown.equals(s.owner()) ? s : null;
  }
}
