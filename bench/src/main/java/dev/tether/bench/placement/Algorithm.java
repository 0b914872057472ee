package dev.tether.bench.placement;

import dev.tether.ring.PolicyConfig;
import dev.tether.ring.PolicyKind;

/** The placement algorithms the evaluator compares: Tether's two policies and three peers. */
public enum Algorithm {
  /** Tether's default policy (ring module). */
  TETHER_SLOT_TABLE("tether-slot-table"),
  /** Tether's weighted vnode ring (ring module). */
  TETHER_VNODE_RING("tether-vnode-ring"),
  /** Guava {@code Hashing.consistentHash(long, int)} over the XXH3-64 session hash. */
  GUAVA_JUMP("guava-jump"),
  /** hash4j {@code ConsistentHashing.jumpBackHash(splitMix64_V1())} over the XXH3-64 hash. */
  HASH4J_JUMPBACK("hash4j-jumpback"),
  /** spymemcached {@code KetamaNodeLocator}, {@code KETAMA_HASH}: MD5, 160 points per server. */
  SPYMEMCACHED_KETAMA("spymemcached-ketama");

  /** Points per server of spymemcached's default ketama configuration. */
  public static final int KETAMA_POINTS_PER_SERVER = 160;

  private final String label;

  Algorithm(String label) {
    this.label = label;
  }

  /** The name used in reports, for example {@code tether-slot-table}. */
  public String label() {
    return label;
  }

  /** The Tether algorithm of a ring policy. */
  public static Algorithm tether(PolicyKind kind) {
    return kind == PolicyKind.SLOT_TABLE ? TETHER_SLOT_TABLE : TETHER_VNODE_RING;
  }

  /** True when this algorithm needs spymemcached's ketama hash of every session id. */
  public boolean needsKetamaHash() {
    return this == SPYMEMCACHED_KETAMA;
  }

  /** The points (virtual nodes) per unit of weight this algorithm uses, or -1 when it has none. */
  int vnodes(EvalSpec spec) {
    return switch (this) {
      case TETHER_VNODE_RING -> spec.vnodes();
      case SPYMEMCACHED_KETAMA -> KETAMA_POINTS_PER_SERVER;
      default -> -1;
    };
  }

  Layout build(EvalSpec spec, int[] weights) {
    return switch (this) {
      case TETHER_SLOT_TABLE -> TetherLayout.build(PolicyConfig.DEFAULT, weights);
      case TETHER_VNODE_RING -> TetherLayout.build(PolicyConfig.vnodeRing(spec.vnodes()), weights);
      case GUAVA_JUMP -> JumpLayout.build(JumpLayout.GUAVA, weights.length);
      case HASH4J_JUMPBACK -> JumpLayout.build(JumpLayout.jumpBack(), weights.length);
      case SPYMEMCACHED_KETAMA ->
          KetamaLayout.build(weights.length, spec.weighted() ? weights : null);
    };
  }

  @Override
  public String toString() {
    return label;
  }
}
