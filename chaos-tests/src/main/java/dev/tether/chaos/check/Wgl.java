package dev.tether.chaos.check;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A linearizability checker for one object's history: the Wing and Gong search with Lowe's
 * memoization, as Porcupine implements it (no maintained JVM one exists).
 *
 * <p>The history is a list of operations, each with its call and return time. Calls and returns are
 * put in one list in time order (a call before a return at the same instant, so that touching
 * operations count as concurrent). The search repeatedly takes the first call it can linearize —
 * the model accepts it in the current state and the pair (set of linearized operations, state) was
 * not seen before — removes it from the list, and starts again from the head; when it reaches a
 * return whose call is not linearized yet, it undoes the last choice. The history is linearizable
 * when the list empties. An operation with an unknown result returns at +infinity: it never
 * constrains another and may be placed anywhere after its call, including after everything.
 */
public final class Wgl {
  /** Operations between two budget checks. */
  private static final int BUDGET_CHECK_EVERY = 4_096;

  private Wgl() {}

  /** One operation: its value and its call and return times (return MAX_VALUE when unknown). */
  public record Call<O>(O op, long callTime, long returnTime) {}

  /** The verdict of one search. */
  public enum Verdict {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    /** The search ran out of its time budget: neither proven nor refuted. */
    UNKNOWN
  }

  /**
   * The outcome of a search.
   *
   * @param verdict the verdict
   * @param longestPrefix the most operations linearized at once, in their linearization order
   * @param stateAfterPrefix the model state after {@code longestPrefix}
   * @param blocked the operation that returned before it could be linearized after that prefix
   * @param steps search steps taken
   */
  public record Result<S, O>(
      Verdict verdict, List<O> longestPrefix, S stateAfterPrefix, O blocked, long steps) {}

  private static final class Entry<O> {
    final boolean call;
    final int id;
    final Call<O> value;
    final long time;
    Entry<O> match;
    Entry<O> prev;
    Entry<O> next;

    Entry(boolean call, int id, Call<O> value, long time) {
      this.call = call;
      this.id = id;
      this.value = value;
      this.time = time;
    }
  }

  private record Frame<S, O>(Entry<O> entry, S state) {}

  private record Seen<S>(BitSet linearized, S state) {}

  /** Checks {@code history} against {@code model} within {@code budget}. */
  public static <S, O> Result<S, O> check(
      Model<S, O> model, List<Call<O>> history, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    Entry<O> head = build(history);
    S state = model.init();
    BitSet linearized = new BitSet(history.size());
    Set<Seen<S>> cache = new HashSet<>();
    Deque<Frame<S, O>> calls = new ArrayDeque<>();
    List<O> best = List.of();
    S bestState = state;
    O blocked = null;
    long steps = 0;
    Entry<O> entry = head.next;
    while (head.next != null) {
      if (++steps % BUDGET_CHECK_EVERY == 0 && System.nanoTime() - deadline > 0) {
        return new Result<>(Verdict.UNKNOWN, best, bestState, blocked, steps);
      }
      if (entry.call) {
        S next = model.step(state, entry.value.op());
        if (next != null) {
          BitSet with = (BitSet) linearized.clone();
          with.set(entry.id);
          if (cache.add(new Seen<>(with, next))) {
            calls.push(new Frame<>(entry, state));
            state = next;
            linearized.set(entry.id);
            lift(entry);
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        // A return whose call is not linearized: this prefix is a dead end.
        if (blocked == null || calls.size() > best.size()) {
          best = prefix(calls);
          bestState = state;
          blocked = entry.value.op();
        }
        if (calls.isEmpty()) {
          return new Result<>(Verdict.NOT_LINEARIZABLE, best, bestState, blocked, steps);
        }
        Frame<S, O> top = calls.pop();
        state = top.state();
        linearized.clear(top.entry().id);
        unlift(top.entry());
        entry = top.entry().next;
      }
    }
    return new Result<>(Verdict.LINEARIZABLE, prefix(calls), state, null, steps);
  }

  private static <S, O> List<O> prefix(Deque<Frame<S, O>> calls) {
    List<O> out = new ArrayList<>(calls.size());
    calls.descendingIterator().forEachRemaining(f -> out.add(f.entry().value.op()));
    return out;
  }

  private static <O> Entry<O> build(List<Call<O>> history) {
    List<Entry<O>> entries = new ArrayList<>(2 * history.size());
    for (int i = 0; i < history.size(); i++) {
      Call<O> c = history.get(i);
      if (c.returnTime() < c.callTime()) {
        throw new IllegalArgumentException("operation " + i + " returns before its call: " + c);
      }
      Entry<O> call = new Entry<>(true, i, c, c.callTime());
      Entry<O> ret = new Entry<>(false, i, c, c.returnTime());
      call.match = ret;
      entries.add(call);
      entries.add(ret);
    }
    entries.sort(
        Comparator.<Entry<O>>comparingLong(e -> e.time)
            .thenComparing(e -> e.call ? 0 : 1)
            .thenComparingInt(e -> e.id));
    Entry<O> head = new Entry<>(true, -1, null, Long.MIN_VALUE);
    Entry<O> last = head;
    for (Entry<O> e : entries) {
      last.next = e;
      e.prev = last;
      last = e;
    }
    return head;
  }

  /** Removes a call and its return from the list. */
  private static <O> void lift(Entry<O> call) {
    remove(call);
    remove(call.match);
  }

  /** Puts a lifted call and its return back, in the reverse order of {@link #lift}. */
  private static <O> void unlift(Entry<O> call) {
    reinsert(call.match);
    reinsert(call);
  }

  private static <O> void remove(Entry<O> e) {
    e.prev.next = e.next;
    if (e.next != null) {
      e.next.prev = e.prev;
    }
  }

  private static <O> void reinsert(Entry<O> e) {
    e.prev.next = e;
    if (e.next != null) {
      e.next.prev = e;
    }
  }
}
