package dev.tether.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tether.bench.placement.Algorithm;
import dev.tether.bench.placement.EvalSpec;
import dev.tether.bench.placement.PlacementEvaluator;
import dev.tether.bench.placement.PlacementReport;
import dev.tether.bench.placement.SessionIds;
import dev.tether.ring.PolicyKind;
import dev.tether.ring.RingLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tether ring evaluate}: measures placement quality offline for one of Tether's policies
 * and, on the same nodes and ids, for Guava's jump hash, hash4j's JumpBackHash and spymemcached's
 * ketama (the real libraries, through the bench module's evaluator).
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluates placement quality offline: Tether's policy next to Guava jump, hash4j JumpBack"
          + " and spymemcached ketama, on the same nodes and session ids.",
      "Figures: peak-to-mean of exact shares and of sampled ids (with the noise floor of a"
          + " perfect hash), ids moved on a join and on a leave, the largest share of a leaver's"
          + " sessions one survivor inherits (pinned with bounded load 1.25, and unpinned), and"
          + " the largest weight error; each with its ideal value."
    })
public final class RingEvaluateCommand implements Callable<Integer> {
  /** Session ids evaluated when neither --sessions nor --ids-file is given. */
  public static final int SESSIONS_DEFAULT = 1_000_000;

  /** Seed used when --seed is not given. */
  public static final long SEED_DEFAULT = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      description = "Tether policy: slot-table or vnode-ring (default: ${DEFAULT-VALUE}).",
      defaultValue = "slot-table",
      completionCandidates = PolicyCandidates.class)
  String policy;

  @Option(
      names = "--nodes",
      required = true,
      paramLabel = "N",
      description = "Number of nodes, 2 to 4096 (NODES_PER_RING_MAX).")
  int nodes;

  @Option(
      names = "--weights",
      split = ",",
      paramLabel = "W",
      description = "Capacity units per node, one per node, each 1 to 1000 (default: all 1).")
  List<Integer> weights = new ArrayList<>();

  @Option(
      names = "--vnodes",
      paramLabel = "V",
      description = "vnode-ring points per capacity unit, 1 to 4096 (default: ${DEFAULT-VALUE}).",
      defaultValue = "160")
  int vnodes;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Ids ids;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the ids, the leaver and the noise floor (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  long seed;

  @Mixin OutputOptions output;

  /** Where the session ids come from: generated, or read from a file. */
  static final class Ids {
    @Option(
        names = "--sessions",
        paramLabel = "M",
        description = "Random UUID session ids to generate, 1 to 10000000 (default: 1000000).")
    Integer sessions;

    @Option(
        names = "--ids-file",
        paramLabel = "FILE",
        description = "Read session ids from FILE, one per line (UTF-8, at most 256 bytes each).")
    Path idsFile;
  }

  @Override
  public Integer call() throws IOException {
    PolicyKind kind = parsePolicy();
    EvalSpec evalSpec = validate(kind);
    SessionIds sessionIds = loadIds();
    List<Algorithm> algorithms =
        List.of(
            Algorithm.tether(kind),
            Algorithm.GUAVA_JUMP,
            Algorithm.HASH4J_JUMPBACK,
            Algorithm.SPYMEMCACHED_KETAMA);
    PlacementEvaluator evaluator = new PlacementEvaluator(evalSpec, sessionIds);
    List<PlacementReport> reports = new ArrayList<>();
    for (Algorithm algorithm : algorithms) {
      reports.add(evaluator.evaluate(algorithm));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      out.println(json(sessionIds.size(), reports, seed));
    } else {
      out.print(table(evaluator, sessionIds.size(), reports));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private PolicyKind parsePolicy() {
    try {
      return PolicyKind.parse(policy);
    } catch (IllegalArgumentException e) {
      throw usage("--policy '" + policy + "' is unknown; valid policies: slot-table, vnode-ring");
    }
  }

  private EvalSpec validate(PolicyKind kind) {
    if (nodes < EvalSpec.NODES_MIN || nodes > RingLimits.NODES_PER_RING_MAX) {
      throw usage(
          "--nodes is "
              + nodes
              + ", must be in ["
              + EvalSpec.NODES_MIN
              + ", NODES_PER_RING_MAX="
              + RingLimits.NODES_PER_RING_MAX
              + "] (a leave needs a survivor)");
    }
    if (!weights.isEmpty() && weights.size() != nodes) {
      throw usage(
          "--weights has "
              + weights.size()
              + " values, must have one per node (--nodes "
              + nodes
              + ")");
    }
    for (int i = 0; i < weights.size(); i++) {
      int w = weights.get(i);
      if (w < 1 || w > RingLimits.CAPACITY_UNITS_MAX) {
        throw usage(
            "--weights value "
                + (i + 1)
                + " is "
                + w
                + ", must be in [1, CAPACITY_UNITS_MAX="
                + RingLimits.CAPACITY_UNITS_MAX
                + "]");
      }
    }
    if (vnodes < RingLimits.VNODES_PER_UNIT_MIN || vnodes > RingLimits.VNODES_PER_UNIT_MAX) {
      throw usage(
          "--vnodes is "
              + vnodes
              + ", must be in [VNODES_PER_UNIT_MIN="
              + RingLimits.VNODES_PER_UNIT_MIN
              + ", VNODES_PER_UNIT_MAX="
              + RingLimits.VNODES_PER_UNIT_MAX
              + "]");
    }
    if (kind == PolicyKind.VNODE_RING) {
      long points = 0;
      for (int i = 0; i < nodes; i++) {
        points += (long) vnodes * (weights.isEmpty() ? 1 : weights.get(i));
      }
      if (points > RingLimits.RING_POINTS_MAX) {
        throw usage(
            "--vnodes "
                + vnodes
                + " with these nodes and weights makes "
                + points
                + " ring points, limit RING_POINTS_MAX is "
                + RingLimits.RING_POINTS_MAX);
      }
    }
    if (ids != null && ids.sessions != null) {
      int m = ids.sessions;
      if (m < 1 || m > SessionIds.SESSIONS_MAX) {
        throw usage(
            "--sessions is "
                + m
                + ", must be in [1, SESSIONS_MAX="
                + SessionIds.SESSIONS_MAX
                + "]");
      }
    }
    return new EvalSpec(nodes, weights, vnodes, seed, RingLimits.BALANCE_PERMILLE_DEFAULT);
  }

  private SessionIds loadIds() throws IOException {
    if (ids == null || ids.idsFile == null) {
      int m = ids == null || ids.sessions == null ? SESSIONS_DEFAULT : ids.sessions;
      return SessionIds.random(m, seed, true);
    }
    Path file = ids.idsFile;
    if (!Files.isRegularFile(file)) {
      throw usage("--ids-file " + file + " does not exist or is not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw usage("--ids-file " + file + " is not readable");
    }
    try {
      return SessionIds.read(file, true);
    } catch (IllegalArgumentException e) {
      throw usage("--ids-file: " + e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private String json(int sessions, List<PlacementReport> reports, long seedValue) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("nodes", nodes);
    root.put("sessions", sessions);
    root.put("seed", seedValue);
    List<Map<String, Object>> results = new ArrayList<>();
    for (PlacementReport r : reports) {
      results.add(r.toMap());
    }
    root.put("results", results);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCodes.ERROR, "cannot write JSON: " + e.getMessage(), e);
    }
  }

  private String table(PlacementEvaluator evaluator, int sessions, List<PlacementReport> reports) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%d nodes%s, %d session ids, seed %d; join: one node of weight %d; leave: node %d%n%n",
            nodes,
            weights.isEmpty() ? "" : " (weighted)",
            sessions,
            seed,
            evaluator.joinerWeight(),
            evaluator.leaver()));
    Table table =
        new Table(
            "ALGORITHM",
            "VNODES",
            "PEAK/MEAN",
            "SAMPLED",
            "FLOOR",
            "JOIN",
            "IDEAL",
            "LEAVE",
            "IDEAL",
            "HEIR",
            "UNPINNED",
            "IDEAL",
            "WEIGHT ERR");
    for (PlacementReport r : reports) {
      table.row(
          r.algorithm(),
          r.vnodes() > 0 ? Integer.toString(r.vnodes()) : "-",
          ratio(r.peakToMeanShare()),
          ratio(r.peakToMeanSampled()),
          ratio(r.noiseFloor()),
          percent(r.movedOnJoin()),
          percent(r.movedOnJoinIdeal()),
          percent(r.movedOnLeave()),
          percent(r.movedOnLeaveIdeal()),
          percent(r.maxHeirShare()),
          percent(r.maxHeirShareUnpinned()),
          percent(r.maxHeirShareIdeal()),
          percent(r.weightErrorMax()));
    }
    out.append(table.render());
    out.append(System.lineSeparator());
    out.append("PEAK/MEAN: max share/weight share (exact); SAMPLED: max ids/expected;")
        .append(" FLOOR: SAMPLED of a perfect random hash.")
        .append(System.lineSeparator());
    out.append("JOIN, LEAVE: ids that change owner; HEIR: largest part of the leaver's pinned")
        .append(" ids one survivor gets (UNPINNED: plain lookups).")
        .append(System.lineSeparator());
    for (PlacementReport r : reports) {
      out.append("  ").append(r.algorithm()).append(": ").append(r.shareMethod());
      out.append(System.lineSeparator());
    }
    return out.toString();
  }

  private static String ratio(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f%%", 100 * value);
  }

  static final class PolicyCandidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return List.of("slot-table", "vnode-ring").iterator();
    }
  }
}
