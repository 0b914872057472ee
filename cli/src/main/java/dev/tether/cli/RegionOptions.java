package dev.tether.cli;

import dev.tether.client.TetherClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that talks to a region: where its daemons are ({@code --endpoints}),
 * how long one call may take ({@code --timeout}), and how to print ({@code --output}).
 */
public final class RegionOptions {
  /** The environment variable that holds the default endpoints. */
  public static final String ENDPOINTS_ENV = "TETHER_ENDPOINTS";

  /** The API addresses of the region {@code tether up} starts with its default flags. */
  public static final String ENDPOINTS_DEFAULT = "127.0.0.1:7402,127.0.0.1:7412,127.0.0.1:7422";

  /** Deadline of one call, retries included, when --timeout is not given. */
  public static final Duration TIMEOUT_DEFAULT = Duration.ofSeconds(5);

  /** Shortest --timeout (the client's DEADLINE_MIN). */
  public static final Duration TIMEOUT_MIN = Duration.ofMillis(10);

  /** Longest --timeout (the client's DEADLINE_MAX). */
  public static final Duration TIMEOUT_MAX = Duration.ofMinutes(5);

  @Option(
      names = "--endpoints",
      paramLabel = "HOST:PORT[,...]",
      description =
          "API addresses of the region's daemons, comma-separated, 1 to 16 (default: $"
              + ENDPOINTS_ENV
              + ", else "
              + ENDPOINTS_DEFAULT
              + ", the region of `tether up`).")
  String endpoints;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "Deadline of each call, retries included: 10ms to 5m (default: 5s).")
  Duration timeout = TIMEOUT_DEFAULT;

  @Mixin OutputOptions output;

  /** The output options. */
  OutputOptions output() {
    return output;
  }

  /** The --timeout value. */
  Duration timeout() {
    return timeout;
  }

  /** The endpoints: --endpoints, else {@code env}'s TETHER_ENDPOINTS, else the default. */
  List<String> endpoints(Map<String, String> env) {
    String text = endpoints;
    if (text == null) {
      text = env.getOrDefault(ENDPOINTS_ENV, "");
    }
    if (text.isBlank()) {
      text = ENDPOINTS_DEFAULT;
    }
    List<String> list = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      list.add(part.trim());
    }
    return list;
  }

  /** Where the endpoints came from, for error messages. */
  private String endpointsSource(Map<String, String> env) {
    if (endpoints != null) {
      return "--endpoints";
    }
    return env.getOrDefault(ENDPOINTS_ENV, "").isBlank() ? "default endpoints" : ENDPOINTS_ENV;
  }

  /**
   * A client of the region, after checking --timeout and the endpoints.
   *
   * @throws picocli.CommandLine.ParameterException naming the bad option
   */
  TetherClient connect(Usage usage) {
    return connect(usage, 0);
  }

  /**
   * A client of the region whose calls make at most {@code attempts} attempts (0: the client's
   * default), after checking --timeout and the endpoints.
   */
  TetherClient connect(Usage usage, int attempts) {
    Map<String, String> env = System.getenv();
    usage.range("--timeout", timeout, TIMEOUT_MIN, TIMEOUT_MAX);
    List<String> list = endpoints(env);
    String source = endpointsSource(env);
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).isEmpty()) {
        throw usage.error(source + " has an empty entry at position " + (i + 1));
      }
    }
    TetherClient.Builder builder;
    try {
      builder = TetherClient.builder().endpoints(list).deadline(timeout);
      if (attempts > 0) {
        builder.retryBudget(attempts);
      }
    } catch (IllegalArgumentException e) {
      throw usage.error(source + ": " + e.getMessage());
    }
    return builder.build();
  }
}
