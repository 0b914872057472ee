package dev.tether.chaos.nemesis;

import java.util.Map;

/**
 * One fault of a schedule: what to do, when, and for how long.
 *
 * @param atMs when to start it, ms after the workload started
 * @param holdMs how long it stays in force before it is healed
 * @param fault the fault's name (see {@link Nemesis} for the catalogue)
 * @param params its parameters, e.g. {@code target=leader}, {@code side=1,3}, {@code percent=30}
 */
public record Step(long atMs, long holdMs, String fault, Map<String, String> params) {
  public Step {
    params = Map.copyOf(params);
  }

  public long endMs() {
    return atMs + holdMs;
  }

  public String param(String name, String fallback) {
    return params.getOrDefault(name, fallback);
  }
}
