package dev.tether.bench.placement;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The sampling floor of placement balance: the expected peak-to-mean load that even a perfect
 * random hash shows when {@code sessions} keys fall on nodes of the given weights. A placement's
 * sampled peak-to-mean can only be judged against this number, never against 1.0.
 */
public final class NoiseFloor {
  /** Monte-Carlo rounds averaged by default. */
  public static final int ROUNDS_DEFAULT = 20;

  private NoiseFloor() {}

  /**
   * The mean over {@code rounds} seeded rounds of {@code max_i(count_i / expected_i)}, where each
   * round throws {@code sessions} keys independently onto nodes with probability {@code w_i / W}
   * (Walker's alias method, so a round costs one draw per key).
   */
  public static double monteCarlo(int[] weights, int sessions, long seed, int rounds) {
    int n = weights.length;
    long total = 0;
    for (int w : weights) {
      total += w;
    }
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      expected[i] = sessions * (double) weights[i] / total;
    }
    Alias alias = new Alias(weights, total);
    SplittableRandom random = new SplittableRandom(seed);
    int[] counts = new int[n];
    double sum = 0;
    for (int r = 0; r < rounds; r++) {
      Arrays.fill(counts, 0);
      for (int k = 0; k < sessions; k++) {
        counts[alias.draw(random)]++;
      }
      double peak = 0;
      for (int i = 0; i < n; i++) {
        peak = Math.max(peak, counts[i] / expected[i]);
      }
      sum += peak;
    }
    return sum / rounds;
  }

  /**
   * The usual closed-form approximation for equal weights, {@code 1 + sqrt(2 ln N * N / M)}; it
   * overestimates the Monte-Carlo value somewhat at small N.
   */
  public static double approximate(int nodes, int sessions) {
    return 1 + Math.sqrt(2 * Math.log(nodes) * nodes / sessions);
  }

  /** Walker/Vose alias table over integer weights. */
  private static final class Alias {
    private final double[] probability;
    private final int[] alias;
    private final boolean uniform;

    Alias(int[] weights, long total) {
      int n = weights.length;
      probability = new double[n];
      alias = new int[n];
      boolean equal = true;
      for (int w : weights) {
        equal &= w == weights[0];
      }
      uniform = equal;
      double[] scaled = new double[n];
      int[] small = new int[n];
      int[] large = new int[n];
      int smallCount = 0;
      int largeCount = 0;
      for (int i = 0; i < n; i++) {
        scaled[i] = weights[i] * (double) n / total;
        if (scaled[i] < 1.0) {
          small[smallCount++] = i;
        } else {
          large[largeCount++] = i;
        }
      }
      while (smallCount > 0 && largeCount > 0) {
        int s = small[--smallCount];
        int l = large[--largeCount];
        probability[s] = scaled[s];
        alias[s] = l;
        scaled[l] = scaled[l] + scaled[s] - 1.0;
        if (scaled[l] < 1.0) {
          small[smallCount++] = l;
        } else {
          large[largeCount++] = l;
        }
      }
      while (largeCount > 0) {
        probability[large[--largeCount]] = 1.0;
      }
      while (smallCount > 0) {
        probability[small[--smallCount]] = 1.0;
      }
    }

    int draw(SplittableRandom random) {
      int column = random.nextInt(probability.length);
      if (uniform) {
        return column;
      }
      return random.nextDouble() < probability[column] ? column : alias[column];
    }
  }
}
