package dev.tether.bench.peers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians and quartiles of a handful of trials (linear interpolation between order statistics). */
final class Stats {
  private Stats() {}

  static double quantile(List<Double> values, double q) {
    List<Double> v = new ArrayList<>();
    for (Double d : values) {
      if (d != null && !d.isNaN()) {
        v.add(d);
      }
    }
    if (v.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(v);
    double pos = q * (v.size() - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return v.get(lo) + (v.get(hi) - v.get(lo)) * (pos - lo);
  }

  static double median(List<Double> v) {
    return quantile(v, 0.5);
  }

  static double iqr(List<Double> v) {
    return quantile(v, 0.75) - quantile(v, 0.25);
  }

  static double round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
