package dev.tether.chaos.nemesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * The named fault mixes of the suite. Each turns a seed into a {@link Schedule}: cycles of a fault
 * held for a while (durations jittered by ±20%) and a healed gap, until the faulted phase is over.
 */
public enum Scenario {
  ISOLATE_LEADER("isolate-leader", 3, false, "cut the ring leader off from every other daemon"),
  RANDOM_HALVES("random-halves", 3, false, "split the daemons into a random minority and majority"),
  MAJORITIES_RING(
      "majorities-ring", 5, false, "each daemon sees a majority, no two the same (Jepsen ring)"),
  BRIDGE("bridge", 5, false, "two halves that meet only through one bridge daemon"),
  SNAPSHOT_INSTALL(
      "snapshot-install",
      3,
      false,
      "isolate a follower until the others snapshot and purge their logs; it must install a"
          + " snapshot"),
  KILL_ONE("kill-one", 3, false, "kill -9 a random daemon, restart it"),
  KILL_LEADER("kill-leader", 3, false, "kill -9 the ring leader, restart it"),
  KILL_ALL("kill-all", 3, false, "kill -9 every daemon at once, restart them"),
  PAUSE_LEADER("pause-leader", 3, false, "SIGSTOP the ring leader past its lease, then SIGCONT"),
  PACKET_LOSS("packet-loss", 3, false, "drop 30% of one daemon's packets to and from its peers"),
  MEMBERSHIP(
      "membership",
      3,
      false,
      "node drains, joins and lease expiries while a random partition is in force"),
  LINK_FAULTS(
      "link-faults", 3, true, "relay only: slow links, a leader whose messages stall, resets"),
  MIXED("mixed", 3, false, "a seeded pick of every fault above that fits the cluster");

  /** Fault-free workload before the first fault, ms. */
  public static final long WARMUP_MS = 4_000;

  /** Fault-free workload after the final heal, ms. */
  public static final long QUIESCE_MS = 5_000;

  private final String label;
  private final int minDaemons;
  private final boolean relayOnly;
  private final String description;

  Scenario(String label, int minDaemons, boolean relayOnly, String description) {
    this.label = label;
    this.minDaemons = minDaemons;
    this.relayOnly = relayOnly;
    this.description = description;
  }

  public String label() {
    return label;
  }

  public int minDaemons() {
    return minDaemons;
  }

  public boolean relayOnly() {
    return relayOnly;
  }

  public String description() {
    return description;
  }

  public static Scenario parse(String label) {
    for (Scenario s : values()) {
      if (s.label.equals(label.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scenario '"
            + label
            + "'; known: "
            + String.join(", ", Arrays.stream(values()).map(Scenario::label).toList()));
  }

  /** The CI smoke set: the key failover faults on three daemons. */
  public static List<Scenario> smoke() {
    return List.of(ISOLATE_LEADER, KILL_LEADER, PAUSE_LEADER, MEMBERSHIP);
  }

  /** The schedule of this scenario for a seed. */
  public Schedule plan(long seed, int daemons, long durationMs) {
    if (daemons < minDaemons) {
      throw new IllegalArgumentException(
          label + " needs at least " + minDaemons + " daemons, got " + daemons);
    }
    SplittableRandom r = new SplittableRandom(seed);
    long workloadSeed = r.nextLong();
    Planner p = new Planner(r, daemons, durationMs);
    List<Step> steps =
        switch (this) {
          case ISOLATE_LEADER ->
              p.cycles(5_000, 4_000, (at, hold) -> p.step(at, hold, "isolate", "target", "leader"));
          case RANDOM_HALVES -> p.cycles(5_000, 4_000, p::halves);
          case MAJORITIES_RING ->
              p.cycles(
                  6_000,
                  4_000,
                  (at, hold) -> p.step(at, hold, "majorities-ring", "order", p.permutation()));
          case BRIDGE ->
              p.cycles(
                  6_000, 4_000, (at, hold) -> p.step(at, hold, "bridge", "order", p.permutation()));
          case SNAPSHOT_INSTALL ->
              p.cycles(
                  9_000,
                  5_000,
                  (at, hold) -> p.step(at, hold, "isolate-until-snapshot", "target", "follower"));
          case KILL_ONE ->
              p.cycles(
                  4_000,
                  5_000,
                  (at, hold) -> p.step(at, hold, "kill", "target", Integer.toString(p.daemon())));
          case KILL_LEADER ->
              p.cycles(4_000, 5_000, (at, hold) -> p.step(at, hold, "kill", "target", "leader"));
          case KILL_ALL ->
              p.cycles(2_000, 8_000, (at, hold) -> p.step(at, hold, "kill", "target", "all"));
          case PAUSE_LEADER ->
              p.cycles(3_500, 4_500, (at, hold) -> p.step(at, hold, "pause", "target", "leader"));
          case PACKET_LOSS -> p.cycles(6_000, 4_000, p::loss);
          case MEMBERSHIP -> p.cycles(9_000, 4_000, p::membership);
          case LINK_FAULTS -> p.cycles(5_000, 4_000, p::linkFault);
          case MIXED -> p.cycles(5_000, 4_000, p::mixed);
        };
    return new Schedule(
        label,
        seed,
        daemons,
        WARMUP_MS,
        durationMs,
        QUIESCE_MS,
        workloadSeed,
        relayOnly || steps.stream().anyMatch(s -> Planner.RELAY_FAULTS.contains(s.fault())),
        steps);
  }

  /** Draws the concrete faults. */
  static final class Planner {
    static final List<String> RELAY_FAULTS = List.of("delay", "stall", "drop");

    private final SplittableRandom r;
    private final int daemons;
    private final long durationMs;
    private int joins;

    Planner(SplittableRandom r, int daemons, long durationMs) {
      this.r = r;
      this.daemons = daemons;
      this.durationMs = durationMs;
    }

    /** Fault, heal, fault, ... from the warm-up's end until the faulted phase ends. */
    List<Step> cycles(long holdMs, long gapMs, BiFunction<Long, Long, List<Step>> make) {
      List<Step> out = new ArrayList<>();
      long end = WARMUP_MS + durationMs;
      long at = WARMUP_MS;
      while (true) {
        long hold = jitter(holdMs);
        if (at + hold > end) {
          break;
        }
        out.addAll(make.apply(at, hold));
        at += hold + jitter(gapMs);
      }
      return out;
    }

    long jitter(long ms) {
      return Math.round(ms * (0.8 + 0.4 * r.nextDouble()));
    }

    List<Step> step(long at, long hold, String fault, String... kv) {
      Map<String, String> params = new java.util.LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        params.put(kv[i], kv[i + 1]);
      }
      return List.of(new Step(at, hold, fault, params));
    }

    int daemon() {
      return 1 + r.nextInt(daemons);
    }

    String permutation() {
      List<Integer> order = shuffled();
      return String.join(",", order.stream().map(String::valueOf).toList());
    }

    List<Integer> shuffled() {
      List<Integer> order = new ArrayList<>();
      for (int i = 1; i <= daemons; i++) {
        order.add(i);
      }
      for (int i = order.size() - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        Integer t = order.get(i);
        order.set(i, order.get(j));
        order.set(j, t);
      }
      return order;
    }

    /** A random minority side (1..n/2 daemons) against the rest. */
    String minoritySide() {
      List<Integer> order = shuffled();
      int size = 1 + r.nextInt(daemons / 2);
      return String.join(",", order.subList(0, size).stream().map(String::valueOf).toList());
    }

    List<Step> halves(long at, long hold) {
      return step(at, hold, "partition", "side", minoritySide());
    }

    List<Step> loss(long at, long hold) {
      String target = r.nextBoolean() ? "leader" : Integer.toString(daemon());
      return step(at, hold, "loss", "target", target, "percent", "30");
    }

    /**
     * A partition held for the whole cycle, and inside it a drain (undone by leave and rejoin), a
     * new node that joins (and leaves at the end), and a node whose agent stops (its lease expires;
     * the agent starts again at the end).
     */
    List<Step> membership(long at, long hold) {
      List<Step> out = new ArrayList<>(step(at, hold, "partition", "side", minoritySide()));
      List<Integer> nodes = shuffled();
      out.addAll(step(at + 500, hold - 1_500, "expire", "node", "n" + nodes.get(0)));
      out.addAll(step(at + 1_000, hold - 2_000, "drain", "node", "n" + nodes.get(1)));
      out.addAll(
          step(
              at + 1_500,
              hold - 2_000,
              "join",
              "node",
              "j" + ++joins,
              "host",
              Integer.toString(daemon())));
      out.sort(java.util.Comparator.comparingLong(Step::atMs));
      return out;
    }

    List<Step> linkFault(long at, long hold) {
      return switch (r.nextInt(3)) {
        case 0 -> step(at, hold, "delay", "ms", "60", "jitter", "60");
        case 1 -> step(at, hold, "stall", "target", "leader");
        default -> step(at, hold, "drop", "side", minoritySide());
      };
    }

    List<Step> mixed(long at, long hold) {
      List<String> kinds =
          new ArrayList<>(
              List.of(
                  "isolate-leader",
                  "halves",
                  "kill-one",
                  "kill-leader",
                  "pause-leader",
                  "loss",
                  "expire"));
      if (daemons >= 5) {
        kinds.add("majorities-ring");
        kinds.add("bridge");
      }
      String kind = kinds.get(r.nextInt(kinds.size()));
      return switch (kind) {
        case "isolate-leader" -> step(at, hold, "isolate", "target", "leader");
        case "halves" -> halves(at, hold);
        case "kill-one" -> step(at, hold, "kill", "target", Integer.toString(daemon()));
        case "kill-leader" -> step(at, hold, "kill", "target", "leader");
        case "pause-leader" -> step(at, Math.min(hold, 4_000), "pause", "target", "leader");
        case "loss" -> loss(at, hold);
        case "expire" -> step(at, hold, "expire", "node", "n" + daemon());
        case "majorities-ring" -> step(at, hold, "majorities-ring", "order", permutation());
        default -> step(at, hold, "bridge", "order", permutation());
      };
    }
  }
}
