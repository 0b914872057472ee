package dev.tether.statemachine.core;

import dev.tether.proto.internal.NodeState;
import java.util.Locale;

/** Human names of node states: {@code JOINING}, {@code ACTIVE}, ... */
public final class StateNames {
  private StateNames() {}

  /** The state's name without the enum prefix. */
  public static String of(NodeState state) {
    return state.name().replace("NODE_STATE_", "").toUpperCase(Locale.ROOT);
  }
}
