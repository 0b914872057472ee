package dev.tether.chaos.history;

/** The client calls a workload makes. */
public enum OpKind {
  /** OwnerService.Lookup. */
  LOOKUP,
  /** SessionService.GetState. */
  GET,
  /** SessionService.PutState: a compare-and-set fenced by a token. */
  PUT,
  /** SessionService.Open of a workload key (already open: a read that may move a dead owner). */
  OPEN,
  /** SessionService.Open of a new session id. */
  OPEN_NEW;

  /** True when the call has no effect on the replicated state. */
  public boolean isRead() {
    return this == LOOKUP || this == GET;
  }
}
