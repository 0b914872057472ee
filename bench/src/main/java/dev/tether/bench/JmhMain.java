package dev.tether.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs JMH with the usual command-line options and then prints one summary row per benchmark and
 * parameter: mean, median, p99 and allocation per operation (when run with {@code -prof gc}).
 */
public final class JmhMain {
  private JmhMain() {}

  /** Entry point: JMH's own options, for example {@code LookupBenchmark -f 1 -prof gc}. */
  public static void main(String[] args)
      throws RunnerException, CommandLineOptionException, java.io.IOException {
    CommandLineOptions options = new CommandLineOptions(args);
    if (options.shouldHelp() || options.shouldList() || options.shouldListProfilers()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    Collection<RunResult> results = new Runner(options).run();
    System.out.println();
    System.out.print(summary(results));
  }

  /** A markdown table: benchmark, params, mean ns, p50 ns, p99 ns, B/op. */
  static String summary(Collection<RunResult> results) {
    Map<String, Row> rows = new TreeMap<>();
    for (RunResult run : results) {
      BenchmarkParams params = run.getParams();
      String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      List<String> values = new ArrayList<>();
      for (String key : params.getParamsKeys()) {
        values.add(key + "=" + params.getParam(key));
      }
      String paramText = String.join(",", values);
      String sortKey = name + "|" + String.format(Locale.ROOT, "%08d", firstNumber(values));
      Row row = rows.computeIfAbsent(sortKey, k -> new Row(name, paramText));
      Result<?> primary = run.getPrimaryResult();
      switch (params.getMode()) {
        case AverageTime -> {
          row.mean = primary.getScore();
          row.meanError = primary.getScoreError();
        }
        case SampleTime -> {
          Statistics stats = primary.getStatistics();
          row.p50 = stats.getPercentile(50);
          row.p99 = stats.getPercentile(99);
        }
        default -> {}
      }
      Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
      if (alloc != null && params.getMode() == org.openjdk.jmh.annotations.Mode.AverageTime) {
        row.bytesPerOp = alloc.getScore();
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("| benchmark | params | mean ns/op | ± (99.9%) | p50 ns | p99 ns | B/op |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|\n");
    for (Row row : rows.values()) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s |%n",
              row.name,
              row.params,
              fmt(row.mean),
              fmt(row.meanError),
              fmt(row.p50),
              fmt(row.p99),
              fmt(row.bytesPerOp)));
    }
    return out.toString();
  }

  private static long firstNumber(List<String> values) {
    for (String v : values) {
      try {
        return Long.parseLong(v.substring(v.indexOf('=') + 1));
      } catch (NumberFormatException e) {
        // not numeric: try the next parameter
      }
    }
    return 0;
  }

  private static String fmt(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f", value);
  }

  private static final class Row {
    final String name;
    final String params;
    double mean = Double.NaN;
    double meanError = Double.NaN;
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    double bytesPerOp = Double.NaN;

    Row(String name, String params) {
      this.name = name;
      this.params = params;
    }
  }
}
