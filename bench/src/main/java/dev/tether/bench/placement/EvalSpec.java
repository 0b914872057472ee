package dev.tether.bench.placement;

import dev.tether.ring.RingLimits;
import java.util.List;

/**
 * What to evaluate: {@code nodes} nodes of the given capacity units (empty: all 1, and peers run
 * unweighted), the vnode-ring's points per unit, the seed of every random choice, and the balance
 * factor used to pin sessions with bounded load.
 *
 * @param nodes number of nodes, 2 to {@link RingLimits#NODES_PER_RING_MAX}
 * @param weights capacity units per node (each 1 to {@link RingLimits#CAPACITY_UNITS_MAX}), or
 *     empty for equal weights
 * @param vnodes points per capacity unit for {@code tether-vnode-ring}
 * @param seed seeds the leaver choice and the noise-floor simulation
 * @param balancePermille bounded-load balance factor in thousandths
 */
public record EvalSpec(
    int nodes, List<Integer> weights, int vnodes, long seed, int balancePermille) {
  /** Fewest nodes: a leave needs a survivor to inherit. */
  public static final int NODES_MIN = 2;

  /** Checks the bounds. */
  public EvalSpec {
    if (nodes < NODES_MIN || nodes > RingLimits.NODES_PER_RING_MAX) {
      throw new IllegalArgumentException(
          "nodes is "
              + nodes
              + ", must be in [NODES_MIN="
              + NODES_MIN
              + ", NODES_PER_RING_MAX="
              + RingLimits.NODES_PER_RING_MAX
              + "]");
    }
    weights = List.copyOf(weights);
    if (!weights.isEmpty() && weights.size() != nodes) {
      throw new IllegalArgumentException(
          "weights has " + weights.size() + " entries, must have one per node (" + nodes + ")");
    }
    for (int w : weights) {
      if (w < 1 || w > RingLimits.CAPACITY_UNITS_MAX) {
        throw new IllegalArgumentException(
            "weight "
                + w
                + " must be in [1, CAPACITY_UNITS_MAX="
                + RingLimits.CAPACITY_UNITS_MAX
                + "]");
      }
    }
  }

  /** Equal weights, {@link RingLimits#VNODES_PER_UNIT_DEFAULT} vnodes, balance 1.25. */
  public static EvalSpec of(int nodes, long seed) {
    return new EvalSpec(
        nodes,
        List.of(),
        RingLimits.VNODES_PER_UNIT_DEFAULT,
        seed,
        RingLimits.BALANCE_PERMILLE_DEFAULT);
  }

  /** This spec with other weights. */
  public EvalSpec withWeights(List<Integer> newWeights) {
    return new EvalSpec(nodes, newWeights, vnodes, seed, balancePermille);
  }

  /** This spec with another vnode count. */
  public EvalSpec withVnodes(int newVnodes) {
    return new EvalSpec(nodes, weights, newVnodes, seed, balancePermille);
  }

  /** True when weights were given. */
  public boolean weighted() {
    return !weights.isEmpty();
  }

  /** Capacity units per node, 1 each when unweighted. */
  int[] weightArray() {
    int[] w = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      w[i] = weights.isEmpty() ? 1 : weights.get(i);
    }
    return w;
  }
}
