package dev.tether.chaos.check;

import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.OpKind;
import dev.tether.chaos.history.Outcome;
import java.util.List;
import java.util.Map;

/** Small hand-made histories for checker tests; times in milliseconds since the run started. */
final class Histories {
  private final History history = new History(0, 1_000_000);
  private long ids;

  History history() {
    return history;
  }

  static long ms(long ms) {
    return ms * 1_000_000L;
  }

  Op add(Op op) {
    history.add(op);
    return op;
  }

  /** An ok read (GET, LINEARIZABLE unless stale) of key's token, owner, version and data. */
  Op get(
      String daemon,
      String key,
      long from,
      long to,
      long token,
      String owner,
      long version,
      String data,
      boolean authoritative) {
    return add(
        new Op(
            ids++,
            1,
            daemon,
            OpKind.GET,
            key,
            !authoritative,
            Op.Request.NONE,
            ms(from),
            ms(to),
            Outcome.OK,
            new Op.Answer(
                token, owner, version, data, authoritative, true, false, !authoritative, 0),
            ""));
  }

  /** An ok LINEARIZABLE lookup. */
  Op lookup(String daemon, String key, long from, long to, long token, String owner) {
    return add(
        new Op(
            ids++,
            2,
            daemon,
            OpKind.LOOKUP,
            key,
            false,
            Op.Request.NONE,
            ms(from),
            ms(to),
            Outcome.OK,
            new Op.Answer(token, owner, -1, null, true, true, false, false, 0),
            ""));
  }

  /** A PutState with the given outcome. */
  Op put(
      String daemon,
      String key,
      long from,
      long to,
      long token,
      long version,
      String data,
      Outcome outcome) {
    return add(
        new Op(
            ids++,
            3,
            daemon,
            OpKind.PUT,
            key,
            false,
            new Op.Request(token, version, data),
            ms(from),
            ms(to),
            outcome,
            outcome == Outcome.OK
                ? new Op.Answer(token, "", version + 1, data, true, true, false, false, 0)
                : null,
            outcome == Outcome.OK ? "" : "UNAVAILABLE"));
  }

  RunFacts facts(Map<String, SessionModel.State> keys) {
    return new RunFacts(
        history, List.of("d1", "d2", "d3"), keys, 1_000, null, RunFacts.Limits.DEFAULT);
  }
}
