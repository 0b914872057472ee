package dev.tether.bench.placement;

import com.dynatrace.hash4j.consistent.ConsistentBucketHasher;
import com.dynatrace.hash4j.consistent.ConsistentHashing;
import com.dynatrace.hash4j.random.PseudoRandomGeneratorProvider;
import com.google.common.hash.Hashing;
import java.util.Arrays;

/**
 * A jump-style bucket hasher (Guava's {@code Hashing.consistentHash} or hash4j's JumpBackHash) fed
 * with the same XXH3-64 session hash as Tether. Buckets are numbered {@code 0..n-1} and each maps
 * to a node; the hashers know no weights.
 *
 * <p>These hashers can only drop the <em>last</em> bucket cleanly. To remove any other node a user
 * must renumber; we do the cheapest renumbering there is: the last bucket's node takes over the
 * leaver's bucket number and the bucket count shrinks by one. The leaver's keys then all go to that
 * one node, and the last bucket's keys spread over everyone, so about 2/N of keys move and the
 * largest heir takes everything. (hash4j also ships JumpBackAnchorHash, which supports arbitrary
 * removal; it is a different algorithm and not evaluated here.)
 */
final class JumpLayout extends Layout {
  /** A consistent bucket function. */
  interface Buckets {
    int bucket(long hash, int buckets);
  }

  /** Guava's Lamping–Veach jump consistent hash. */
  static final Buckets GUAVA = Hashing::consistentHash;

  private final Buckets buckets;
  private final int[] nodeOfBucket;

  private JumpLayout(Buckets buckets, int[] nodeOfBucket) {
    this.buckets = buckets;
    this.nodeOfBucket = nodeOfBucket;
  }

  /** hash4j's JumpBackHash with the SplitMix64 generator; one instance per layout (not shared). */
  static Buckets jumpBack() {
    ConsistentBucketHasher hasher =
        ConsistentHashing.jumpBackHash(PseudoRandomGeneratorProvider.splitMix64_V1());
    return hasher::getBucket;
  }

  /** Nodes {@code 0..n-1} in buckets {@code 0..n-1}. */
  static JumpLayout build(Buckets buckets, int n) {
    int[] nodeOfBucket = new int[n];
    Arrays.setAll(nodeOfBucket, i -> i);
    return new JumpLayout(buckets, nodeOfBucket);
  }

  @Override
  int owner(SessionIds ids, int k) {
    return nodeOfBucket[buckets.bucket(ids.xxh3(k), nodeOfBucket.length)];
  }

  @Override
  Shares shares(int universe) {
    double[] share = new double[universe];
    for (int node : nodeOfBucket) {
      share[node] = 1.0 / nodeOfBucket.length;
    }
    return new Shares(share, "exact: 1/N per bucket by construction (weights ignored)");
  }

  @Override
  JumpLayout join(int node, int weight) {
    // A new bucket at the end: the one change jump hashing supports natively. Weight is ignored.
    int[] next = Arrays.copyOf(nodeOfBucket, nodeOfBucket.length + 1);
    next[nodeOfBucket.length] = node;
    return new JumpLayout(buckets, next);
  }

  @Override
  JumpLayout leave(int node) {
    int n = nodeOfBucket.length;
    int[] next = Arrays.copyOf(nodeOfBucket, n - 1);
    for (int b = 0; b < n - 1; b++) {
      if (next[b] == node) {
        next[b] = nodeOfBucket[n - 1];
      }
    }
    return new JumpLayout(buckets, next);
  }
}
