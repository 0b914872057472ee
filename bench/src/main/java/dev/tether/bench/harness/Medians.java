package dev.tether.bench.harness;

import java.util.Arrays;
import java.util.Collection;

/** Medians of trial results: the statistic the fairness rules ask for. */
public final class Medians {
  private Medians() {}

  /** The median of {@code values}; NaN when empty. */
  public static double of(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /** The smallest and largest of {@code values}, as {@code [min, max]}. */
  public static double[] range(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    return new double[] {
      Arrays.stream(v).min().orElse(Double.NaN), Arrays.stream(v).max().orElse(Double.NaN)
    };
  }
}
