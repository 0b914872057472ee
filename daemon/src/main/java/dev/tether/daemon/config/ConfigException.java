package dev.tether.daemon.config;

import java.util.List;

/** A daemon config that breaks one or more rules; the message lists one line per violation. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> violations;

  ConfigException(List<String> violations) {
    super("invalid daemon config:\n  - " + String.join("\n  - ", violations));
    this.violations = List.copyOf(violations);
  }

  /** One exact message per violated rule. */
  public List<String> violations() {
    return violations;
  }
}
