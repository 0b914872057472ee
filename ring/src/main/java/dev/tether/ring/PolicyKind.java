package dev.tether.ring;

import java.util.Locale;

/** The placement algorithms a ring can use. */
public enum PolicyKind {
  /** 2^16 slots apportioned by weight, assigned by rendezvous scores; O(1) lookup (default). */
  SLOT_TABLE("slot-table"),
  /** The classic weighted consistent-hash ring with virtual nodes; O(log points) lookup. */
  VNODE_RING("vnode-ring");

  private final String label;

  PolicyKind(String label) {
    this.label = label;
  }

  /**
   * The policy's name in configs, the CLI and the API: {@code slot-table} or {@code vnode-ring}.
   */
  public String label() {
    return label;
  }

  /**
   * Parses a policy name.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static PolicyKind parse(String name) {
    for (PolicyKind kind : values()) {
      if (kind.label.equals(name) || kind.name().equals(name.toUpperCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "policy '" + name + "' is unknown, expected slot-table or vnode-ring");
  }

  @Override
  public String toString() {
    return label;
  }
}
