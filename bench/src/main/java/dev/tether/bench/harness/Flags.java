package dev.tether.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of a benchmark main, each checked against its bounds with one
 * exact message. Unknown options are refused, so a typo never silently runs the default.
 */
public final class Flags {
  private final Map<String, String> values = new LinkedHashMap<>();

  private Flags() {}

  /** Parses {@code args}; every option must be in {@code known} (names without the dashes). */
  public static Flags parse(String[] args, Set<String> known) {
    Flags f = new Flags();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !known.contains(a.substring(2))) {
        throw new IllegalArgumentException("unknown option " + a + "; known: " + known);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      f.values.put(a.substring(2), args[++i]);
    }
    return f;
  }

  /** An integer option in {@code [min, max]}. */
  public long number(String name, long fallback, long min, long max) {
    String v = values.get(name);
    long n;
    try {
      n = v == null ? fallback : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " is " + v + ", not an integer", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "--" + name + " is " + n + ", must be in [" + min + ", " + max + "]");
    }
    return n;
  }

  /** A comma-separated list of integers, each in {@code [min, max]}. */
  public List<Integer> numbers(String name, String fallback, int min, int max) {
    List<Integer> out = new ArrayList<>();
    for (String part : values.getOrDefault(name, fallback).split(",", -1)) {
      int n;
      try {
        n = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " has " + part + ", not an integer", e);
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException(
            "--" + name + " has " + n + ", each must be in [" + min + ", " + max + "]");
      }
      out.add(n);
    }
    return out;
  }

  /** A comma-separated list of words, each one of {@code allowed}. */
  public List<String> words(String name, String fallback, Set<String> allowed) {
    List<String> out = new ArrayList<>();
    for (String part : values.getOrDefault(name, fallback).split(",", -1)) {
      if (!allowed.contains(part.trim())) {
        throw new IllegalArgumentException(
            "--" + name + " has " + part + ", each must be one of " + allowed);
      }
      out.add(part.trim());
    }
    return out;
  }

  /** A string option. */
  public String text(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }
}
