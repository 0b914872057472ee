package dev.tether.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.chaos.check.Checkers;
import dev.tether.chaos.cluster.Jvm;
import dev.tether.chaos.nemesis.Scenario;
import dev.tether.chaos.nemesis.Schedule;
import dev.tether.chaos.net.Capabilities;
import dev.tether.chaos.net.RelayNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The outer harness: for each (scenario, seed) it materializes the schedule, picks the network, and
 * runs the run in a child JVM made for it — inside fresh network, mount and pid namespaces (netns
 * mode: everything the run creates dies with it, even on a crash), or with the relay network's
 * hosts file (relay mode) — under a watchdog. It collects each run's verdict.
 */
public final class Suite {
  /** Extra time a run may take beyond its schedule before the watchdog ends it, seconds. */
  static final long WATCHDOG_SLACK_S = 600;

  /** Heap of the inner harness JVM, MB. */
  static final int HARNESS_HEAP_MB = 768;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What to run. */
  public record Request(
      List<Scenario> scenarios,
      long firstSeed,
      int seeds,
      long durationMs,
      int daemons,
      String network,
      Path out,
      Path replay,
      List<String> plantedBugs) {}

  /** One run's verdict as the suite saw it. */
  public record Verdict(
      String scenario, long seed, String network, String verdict, Path dir, String failed) {
    public boolean passed() {
      return verdict.equals("PASS");
    }

    /** The checkers that did not pass, by name ({@code failed} is "name=VERDICT, ..."). */
    public List<String> failedCheckers() {
      List<String> names = new ArrayList<>();
      for (String f : failed.split(", ")) {
        int eq = f.indexOf('=');
        if (eq > 0 && f.indexOf(' ') < 0) {
          names.add(f.substring(0, eq));
        }
      }
      return names;
    }

    /** The safety checkers (not {@link Checkers#LIVENESS}) that did not pass. */
    public List<String> failedSafety() {
      return failedCheckers().stream().filter(n -> !Checkers.LIVENESS.contains(n)).toList();
    }

    /** True when the checkers ran: the run finished and wrote its summary. */
    public boolean checked() {
      return Files.exists(dir.resolve("summary.json"));
    }
  }

  private final PrintWriter out;
  private Capabilities capabilities;

  public Suite(PrintWriter out) {
    this.out = out;
  }

  public List<Verdict> run(Request req) throws IOException, InterruptedException {
    List<Verdict> verdicts = new ArrayList<>();
    for (Scenario scenario : req.scenarios()) {
      for (int k = 0; k < req.seeds(); k++) {
        long seed = req.firstSeed() + k;
        Schedule schedule;
        if (req.replay() != null) {
          schedule = Schedule.read(req.replay());
        } else {
          int daemons = Math.max(req.daemons(), scenario.minDaemons());
          schedule = scenario.plan(seed, daemons, req.durationMs());
        }
        verdicts.add(runOne(schedule, req));
      }
    }
    return verdicts;
  }

  private Verdict runOne(Schedule schedule, Request req) throws IOException, InterruptedException {
    String name = schedule.scenario() + "-" + schedule.seed();
    Path dir = req.out().resolve(name).toAbsolutePath();
    clean(dir);
    Files.createDirectories(dir);
    String network = req.network();
    String why;
    if (schedule.requiresRelay()) {
      why = "the schedule delays or stalls links: only the relay network can";
      network = "relay";
    } else if (network.equals("auto")) {
      Capabilities c = capabilities();
      network = c.netns() ? "netns" : "relay";
      why = "auto: " + c.finding();
    } else {
      why = "requested";
    }
    List<String> command = new ArrayList<>();
    int octet = 0;
    if (network.equals("netns")) {
      Capabilities c = capabilities();
      if (!c.netns()) {
        throw new IllegalStateException("--network netns is not possible here: " + c.finding());
      }
      command.addAll(c.unsharePrefix());
      command.add("--");
    }
    List<String> jvm = new ArrayList<>();
    if (network.equals("relay")) {
      octet = RelayNetwork.freeOctet(77);
      Path hosts = dir.resolve("net").resolve("hosts.harness");
      Files.createDirectories(hosts.getParent());
      Files.writeString(hosts, RelayNetwork.harnessHosts(schedule.daemons(), octet));
      jvm.add("-Djdk.net.hosts.file=" + hosts);
    }
    new RunConfig(network, why, octet, req.plantedBugs(), schedule).write(dir.resolve("run.json"));
    schedule.write(dir.resolve("schedule.json"));
    command.add(Jvm.java());
    command.add("-Xmx" + HARNESS_HEAP_MB + "m");
    command.add("-XX:+UseSerialGC");
    command.addAll(jvm);
    command.add("-cp");
    command.add(Jvm.classpath());
    command.add("dev.tether.chaos.ChaosMain");
    command.add("inner");
    command.add(dir.toString());
    out.printf(
        Locale.ROOT,
        "chaos: %s seed %d, %d daemons, %s network, %ds faults ... ",
        schedule.scenario(),
        schedule.seed(),
        schedule.daemons(),
        network,
        schedule.durationMs() / 1000);
    out.flush();
    long started = System.nanoTime();
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("harness.log").toFile())
            .start();
    long budget =
        (schedule.warmupMs() + schedule.durationMs() + schedule.quiesceMs()) / 1000
            + WATCHDOG_SLACK_S;
    Thread hook = new Thread(() -> destroyTree(p));
    Runtime.getRuntime().addShutdownHook(hook);
    boolean finished = p.waitFor(budget, TimeUnit.SECONDS);
    if (!finished) {
      destroyTree(p);
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    Verdict v = verdictOf(schedule, network, dir, finished, finished ? p.exitValue() : -1);
    out.printf(
        Locale.ROOT,
        "%s (%ds)%s%n",
        v.verdict(),
        seconds,
        v.failed().isEmpty() ? "" : " — " + v.failed());
    out.flush();
    return v;
  }

  private Verdict verdictOf(Schedule s, String network, Path dir, boolean finished, int exit) {
    Path summary = dir.resolve("summary.json");
    if (!finished) {
      return new Verdict(
          s.scenario(), s.seed(), network, "INCONCLUSIVE", dir, "watchdog: the run hung");
    }
    if (!Files.exists(summary)) {
      return new Verdict(
          s.scenario(),
          s.seed(),
          network,
          "INCONCLUSIVE",
          dir,
          "the run failed (exit " + exit + "); see " + dir.resolve("harness.log"));
    }
    try {
      JsonNode n = JSON.readTree(summary.toFile());
      List<String> failed = new ArrayList<>();
      for (JsonNode c : n.get("checkers")) {
        if (!c.get("verdict").asText().equals("PASS")) {
          failed.add(c.get("name").asText() + "=" + c.get("verdict").asText());
        }
      }
      return new Verdict(
          s.scenario(),
          s.seed(),
          network,
          n.get("verdict").asText(),
          dir,
          String.join(", ", failed));
    } catch (IOException e) {
      return new Verdict(s.scenario(), s.seed(), network, "INCONCLUSIVE", dir, e.toString());
    }
  }

  private synchronized Capabilities capabilities() {
    if (capabilities == null) {
      capabilities = Capabilities.probe();
    }
    return capabilities;
  }

  /** Ends a run and everything it started (relay mode has no pid namespace to do it). */
  static void destroyTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void clean(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
