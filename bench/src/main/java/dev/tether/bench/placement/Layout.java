package dev.tether.bench.placement;

/**
 * One algorithm's placement of one set of nodes, seen through global node indices: node {@code i}
 * of an evaluation is index {@code i} here whatever position the algorithm gives it internally.
 * Changes are derived from a layout the way a user of that algorithm would derive them, so that
 * moved keys are counted honestly.
 */
abstract class Layout {
  /** The global index of the node owning session {@code k} of {@code ids}. */
  abstract int owner(SessionIds ids, int k);

  /**
   * Each node's share of the key space, indexed by global node index over {@code universe} nodes
   * (absent nodes have share 0).
   */
  abstract Shares shares(int universe);

  /** The layout after node {@code node} joins with {@code weight} capacity units. */
  abstract Layout join(int node, int weight);

  /** The layout after node {@code node} leaves. */
  abstract Layout leave(int node);

  /** Key-space shares and how they were obtained (reported as {@code share_method}). */
  @SuppressWarnings("ArrayRecordComponent") // internal value, never compared or hashed
  record Shares(double[] share, String method) {}
}
