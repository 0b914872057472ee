package dev.tether.ring;

/**
 * The integer mixing functions of the ring specification (docs/ring-spec.md). Written by hand
 * because they are a handful of lines of arithmetic that the spec must fix exactly.
 */
final class Mix {
  /** The 64-bit golden ratio, used to spread consecutive integers before mixing. */
  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Mix() {}

  /** The SplitMix64 finalizer (Stafford's variant 13): a bijection on 64-bit values. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The rendezvous score of slot {@code slot} for a member whose id hashes to {@code nodeHash}. */
  static long slotScore(long nodeHash, int slot) {
    return mix64(nodeHash ^ ((slot + 1L) * GOLDEN));
  }

  /** The hash that the {@code probe}-th probe (probe ≥ 1) of a key maps through the placement. */
  static long probeHash(long keyHash, int probe) {
    return mix64(keyHash + probe * GOLDEN);
  }

  /**
   * The hash whose probe order rehomes a pinned session of a removed member: probe index {@code
   * PROBES_RANDOM_MAX + 1} of the key. Its first probe is a share-weighted random member, so a
   * removed member's sessions spread over all survivors even when it owned few slots.
   */
  static long rehomeHash(long keyHash) {
    return probeHash(keyHash, RingLimits.PROBES_RANDOM_MAX + 1);
  }

  /** The fallback rank of a member for a key, used after the random probes are exhausted. */
  static long fallbackScore(long keyHash, long nodeHash) {
    return mix64(keyHash ^ nodeHash);
  }
}
