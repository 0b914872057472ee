package dev.tether.bench.placement;

import dev.tether.ring.BoundedLoad;
import dev.tether.ring.Membership;
import dev.tether.ring.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Computes the placement-quality figures of {@link PlacementReport} for Tether's policies and for
 * peer libraries, over one set of nodes and one set of session ids.
 *
 * <p>Every algorithm sees the same changes: a node of mean weight joins as node {@code N}; node
 * {@link #leaver()} (seeded, never the last, so jump hashing gets no free pass) leaves. Tether's
 * changes go through {@code Placement.next}, the peers' through what their users must do. Memory is
 * two primitive arrays per id ({@code short} owners), so 10M ids at 4096 nodes fit.
 */
public final class PlacementEvaluator {
  /** Mixed into the seed to pick the leaver, so it does not correlate with the ids. */
  private static final long LEAVER_SALT = 0x1EAF_5EEDL;

  /** Mixed into the seed for the noise-floor simulation. */
  private static final long FLOOR_SALT = 0xF100_4A11L;

  private final EvalSpec spec;
  private final SessionIds ids;
  private final int[] weights;
  private final long totalWeight;
  private final int joinerWeight;
  private final int leaver;
  private double noiseFloor = Double.NaN;

  /** An evaluator of {@code spec} over {@code ids}. */
  public PlacementEvaluator(EvalSpec spec, SessionIds ids) {
    this.spec = spec;
    this.ids = ids;
    this.weights = spec.weightArray();
    long total = 0;
    for (int w : weights) {
      total += w;
    }
    this.totalWeight = total;
    this.joinerWeight = (int) Math.max(1, Math.round(total / (double) weights.length));
    this.leaver = new SplittableRandom(spec.seed() ^ LEAVER_SALT).nextInt(weights.length - 1);
  }

  /** Evaluates each algorithm in turn. */
  public static List<PlacementReport> evaluate(
      EvalSpec spec, SessionIds ids, List<Algorithm> algorithms) {
    PlacementEvaluator evaluator = new PlacementEvaluator(spec, ids);
    List<PlacementReport> reports = new ArrayList<>(algorithms.size());
    for (Algorithm algorithm : algorithms) {
      reports.add(evaluator.evaluate(algorithm));
    }
    return reports;
  }

  /** The index of the node that leaves: seeded, in {@code [0, N-2]}. */
  public int leaver() {
    return leaver;
  }

  /** The capacity units of the joining node: the mean weight, rounded, at least 1. */
  public int joinerWeight() {
    return joinerWeight;
  }

  /** The noise floor for these weights and ids (computed once, then cached). */
  public double noiseFloor() {
    if (Double.isNaN(noiseFloor)) {
      noiseFloor =
          NoiseFloor.monteCarlo(
              weights, ids.size(), spec.seed() ^ FLOOR_SALT, NoiseFloor.ROUNDS_DEFAULT);
    }
    return noiseFloor;
  }

  /** Computes every figure of {@code algorithm}. */
  public PlacementReport evaluate(Algorithm algorithm) {
    if (algorithm.needsKetamaHash() && !ids.hasKetama()) {
      throw new IllegalArgumentException(algorithm + " needs ids read with their ketama hashes");
    }
    int n = weights.length;
    int m = ids.size();
    Layout base = algorithm.build(spec, weights);
    Layout.Shares shares = base.shares(n + 1);
    double peakShare = 0;
    double weightError = 0;
    for (int i = 0; i < n; i++) {
      double target = weights[i] / (double) totalWeight;
      peakShare = Math.max(peakShare, shares.share()[i] / target);
      weightError = Math.max(weightError, Math.abs(shares.share()[i] - target) / target);
    }

    short[] owners = new short[m];
    long[] counts = new long[n + 1];
    for (int k = 0; k < m; k++) {
      int owner = base.owner(ids, k);
      owners[k] = (short) owner;
      counts[owner]++;
    }
    double peakSampled = 0;
    for (int i = 0; i < n; i++) {
      peakSampled = Math.max(peakSampled, counts[i] / (m * (weights[i] / (double) totalWeight)));
    }

    double movedOnJoin = movedOnJoin(base, owners);
    Layout after = base.leave(leaver);
    long moved = 0;
    long[] received = new long[n + 1];
    for (int k = 0; k < m; k++) {
      int owner = after.owner(ids, k);
      if (owner != owners[k]) {
        moved++;
      }
      if (owners[k] == leaver) {
        received[owner]++;
      }
    }
    double heirUnpinned = maxFraction(received, counts[leaver]);
    double heirPinned =
        base instanceof TetherLayout tether
            ? pinnedHeirShare(tether, (TetherLayout) after)
            : heirUnpinned;

    return new PlacementReport(
        algorithm.label(),
        n,
        m,
        algorithm.vnodes(spec),
        shares.method(),
        peakShare,
        peakSampled,
        noiseFloor(),
        movedOnJoin,
        joinerWeight / (double) (totalWeight + joinerWeight),
        moved / (double) m,
        weights[leaver] / (double) totalWeight,
        heirPinned,
        heirUnpinned,
        heirIdeal(),
        weightError);
  }

  private double movedOnJoin(Layout base, short[] owners) {
    Layout joined;
    try {
      joined = base.join(weights.length, joinerWeight);
    } catch (IllegalArgumentException e) {
      // The ring is at NODES_PER_RING_MAX, or a vnode ring would exceed RING_POINTS_MAX.
      return Double.NaN;
    }
    long moved = 0;
    for (int k = 0; k < owners.length; k++) {
      if (joined.owner(ids, k) != owners[k]) {
        moved++;
      }
    }
    return moved / (double) owners.length;
  }

  /**
   * The largest heir share when sessions are pinned, as the daemon keeps them: every id is first
   * opened in id order with bounded load on the full placement; then the leaver's ids are reopened
   * in id order with bounded load on the survivors' placement, whose counts still hold every other
   * pinned session.
   */
  private double pinnedHeirShare(TetherLayout before, TetherLayout after) {
    Placement full = before.placement();
    Membership fm = full.membership();
    int leaverMember = fm.indexOf(TetherLayout.nodeId(leaver));
    long[] counts = new long[fm.size()];
    short[] pinned = new short[ids.size()];
    long total = 0;
    for (int k = 0; k < pinned.length; k++) {
      int owner = open(full, ids.xxh3(k), counts, total);
      pinned[k] = (short) owner;
      counts[owner]++;
      total++;
    }

    Placement survivors = after.placement();
    Membership sm = survivors.membership();
    long[] survivorCounts = new long[sm.size()];
    long survivorTotal = 0;
    for (int i = 0; i < fm.size(); i++) {
      if (i != leaverMember) {
        survivorCounts[sm.indexOf(fm.id(i))] = counts[i];
        survivorTotal += counts[i];
      }
    }
    long[] received = new long[sm.size()];
    for (int k = 0; k < pinned.length; k++) {
      if (pinned[k] == leaverMember) {
        // Pinned sessions of a removed node are rehomed along their rehome probe order.
        int owner =
            open(survivors, BoundedLoad.rehomeKey(ids.xxh3(k)), survivorCounts, survivorTotal);

        survivorCounts[owner]++;
        survivorTotal++;
        received[owner]++;
      }
    }
    return maxFraction(received, counts[leaverMember]);
  }

  /**
   * {@link BoundedLoad#choose} with a fast path: when the key's owner is below its cap, which is
   * the first thing {@code choose} checks, take it without building a probe order or re-summing the
   * counts. The answer is always the one {@code choose} gives (a test checks this).
   */
  int open(Placement placement, long keyHash, long[] counts, long total) {
    int owner = placement.ownerIndex(keyHash);
    if (counts[owner]
        < BoundedLoad.cap(placement.membership(), owner, total, spec.balancePermille())) {
      return owner;
    }
    return BoundedLoad.choose(placement, keyHash, counts, spec.balancePermille()).memberIndex();
  }

  private double heirIdeal() {
    long heaviest = 0;
    for (int i = 0; i < weights.length; i++) {
      if (i != leaver) {
        heaviest = Math.max(heaviest, weights[i]);
      }
    }
    return heaviest / (double) (totalWeight - weights[leaver]);
  }

  private static double maxFraction(long[] received, long of) {
    if (of == 0) {
      return Double.NaN;
    }
    long max = 0;
    for (long r : received) {
      max = Math.max(max, r);
    }
    return max / (double) of;
  }
}
