package dev.tether.chaos.net;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which pairs of daemons cannot talk (a Jepsen "grudge", always symmetric: over TCP a one-way drop
 * breaks both directions anyway). Daemons are numbered 1..n.
 */
public record Partition(int daemons, Set<List<Integer>> cut) {
  public Partition {
    Set<List<Integer>> pairs = new HashSet<>();
    for (List<Integer> p : cut) {
      int a = Math.min(p.get(0), p.get(1));
      int b = Math.max(p.get(0), p.get(1));
      if (a < 1 || b > daemons || a == b) {
        throw new IllegalArgumentException("bad pair " + p + " for " + daemons + " daemons");
      }
      pairs.add(List.of(a, b));
    }
    cut = Set.copyOf(pairs);
  }

  /** No daemon cut from another. */
  public static Partition none(int daemons) {
    return new Partition(daemons, Set.of());
  }

  /** Every link between the two sides cut. */
  public static Partition sides(int daemons, Set<Integer> side) {
    Set<List<Integer>> cut = new HashSet<>();
    for (int a : side) {
      for (int b = 1; b <= daemons; b++) {
        if (!side.contains(b)) {
          cut.add(List.of(a, b));
        }
      }
    }
    return new Partition(daemons, cut);
  }

  /**
   * Jepsen's majorities ring: daemon {@code order[k]} talks only to its ring neighbours {@code
   * order[k-1]} and {@code order[k+1]}, so each sees a majority (for 5) but no two see the same.
   */
  public static Partition majoritiesRing(List<Integer> order) {
    int n = order.size();
    Set<List<Integer>> cut = new HashSet<>();
    for (int k = 0; k < n; k++) {
      for (int m = 0; m < n; m++) {
        int d = Math.floorMod(k - m, n);
        if (d > 1 && d < n - 1) {
          cut.add(List.of(order.get(k), order.get(m)));
        }
      }
    }
    return new Partition(n, cut);
  }

  /**
   * Jepsen's bridge: two halves that cannot talk, and one daemon ({@code order[n/2]}) that talks to
   * both.
   */
  public static Partition bridge(List<Integer> order) {
    int n = order.size();
    int mid = n / 2;
    Set<List<Integer>> cut = new HashSet<>();
    for (int a = 0; a < mid; a++) {
      for (int b = mid + 1; b < n; b++) {
        cut.add(List.of(order.get(a), order.get(b)));
      }
    }
    return new Partition(n, cut);
  }

  public boolean isCut(int a, int b) {
    return cut.contains(List.of(Math.min(a, b), Math.max(a, b)));
  }

  /** The daemons {@code d} talks to directly, itself included. */
  public List<Integer> reach(int d) {
    List<Integer> out = new ArrayList<>();
    for (int o = 1; o <= daemons; o++) {
      if (o == d || !isCut(d, o)) {
        out.add(o);
      }
    }
    return out;
  }

  /** The daemons that reach fewer than a majority directly: they cannot form a quorum. */
  public List<Integer> minority() {
    List<Integer> out = new ArrayList<>();
    for (int d = 1; d <= daemons; d++) {
      if (reach(d).size() <= daemons / 2) {
        out.add(d);
      }
    }
    return out;
  }

  /** The daemons {@code d} cannot reach. */
  public List<Integer> blockedFrom(int d) {
    List<Integer> out = new ArrayList<>();
    for (int o = 1; o <= daemons; o++) {
      if (o != d && isCut(d, o)) {
        out.add(o);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return describe();
  }

  /** Each daemon with the daemons it reaches, e.g. {@code d1:{1,2} d2:{1,2} d3:{3}}. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (int d = 1; d <= daemons; d++) {
      if (d > 1) {
        b.append(' ');
      }
      b.append('d').append(d).append(":").append(reach(d));
    }
    return b.toString();
  }
}
