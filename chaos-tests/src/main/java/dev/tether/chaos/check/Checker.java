package dev.tether.chaos.check;

/** One property checked over a finished run. */
public interface Checker {
  /** The checker's name in reports. */
  String name();

  CheckResult check(RunFacts run);
}
