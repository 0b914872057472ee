package dev.tether.chaos.history;

/** How an operation ended (Jepsen's :ok, :fail and :info). */
public enum Outcome {
  /** It happened, and its answer is recorded. */
  OK,
  /** It certainly did not happen (a refusal, or a read that failed). */
  FAIL,
  /** Unknown: a write that timed out or lost its connection may still take effect. */
  INFO
}
