package dev.tether.chaos.cli;

import dev.tether.chaos.nemesis.Scenario;
import dev.tether.chaos.run.Inner;
import dev.tether.chaos.run.PlantedBugs;
import dev.tether.chaos.run.Suite;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tether chaos}: the partition chaos suite. {@code run} attacks a fresh region of real
 * daemons with a seeded schedule of faults while clients record every call, then checks the history
 * (see docs/chaos.md). Exit codes: 0 every checker of every run passed; 1 a checker failed or could
 * not decide, or a run broke; 2 bad usage.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = "Partition chaos suite: attack a running region and check every promise.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every checker of every run passed",
      "1:a checker failed or was inconclusive, or a run broke",
      "2:bad usage"
    },
    subcommands = {
      ChaosCommand.Run.class,
      ChaosCommand.Scenarios.class,
      ChaosCommand.Check.class,
      ChaosCommand.Planted.class,
      ChaosCommand.InnerRun.class,
      HelpCommand.class
    })
public final class ChaosCommand implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** A command line with the chaos suite's exit codes. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new ChaosCommand());
    cl.setExecutionExceptionHandler(
        (e, cmd, parse) -> {
          cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e);
          e.printStackTrace(cmd.getErr());
          return FAILED;
        });
    return cl;
  }

  /** {@code chaos run}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Run scenarios against fresh daemons; one directory of results per run under --out.")
  public static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--scenario",
        required = true,
        description = "A scenario name, 'smoke' (the CI set) or 'all'. See 'chaos scenarios'.")
    String scenario;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "Master seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--seeds",
        defaultValue = "1",
        description = "Run this many seeds from --seed on (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(
        names = "--duration",
        defaultValue = "40s",
        description = "Faulted phase per run, e.g. 40s or 2m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(
        names = "--daemons",
        defaultValue = "3",
        description = "3 or 5 (default ${DEFAULT-VALUE}).")
    int daemons;

    @Option(names = "--out", defaultValue = "chaos-results", description = "Results directory.")
    Path out;

    @Option(
        names = "--network",
        defaultValue = "auto",
        description =
            "netns, relay or auto (netns when namespaces work here; default ${DEFAULT-VALUE}).")
    String network;

    @Option(names = "--replay", description = "Run this schedule.json again instead of a seed's.")
    Path replay;

    @Option(
        names = "--planted-bug",
        description =
            "Test only: start the daemons with a known bug (stale-reads, no-fsync, skip-fencing,"
                + " lessor-ignores-leadership) to prove the checkers catch it.")
    List<String> plantedBugs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      if (daemons != 3 && daemons != 5) {
        throw new ParameterException(
            spec.commandLine(), "--daemons must be 3 or 5, got " + daemons);
      }
      if (!List.of("netns", "relay", "auto").contains(network)) {
        throw new ParameterException(
            spec.commandLine(), "--network must be netns, relay or auto, got " + network);
      }
      if (seeds < 1 || seeds > 1_000) {
        throw new ParameterException(spec.commandLine(), "--seeds must be in [1, 1000]");
      }
      List<Scenario> scenarios = scenarios();
      PrintWriter out = spec.commandLine().getOut();
      Suite.Request req =
          new Suite.Request(
              scenarios,
              seed,
              seeds,
              durationMs(),
              daemons,
              network,
              this.out,
              replay,
              plantedBugs);
      List<Suite.Verdict> verdicts = new Suite(out).run(req);
      long passed = verdicts.stream().filter(Suite.Verdict::passed).count();
      out.printf(
          Locale.ROOT,
          "chaos: %d of %d runs passed; results in %s%n",
          passed,
          verdicts.size(),
          this.out.toAbsolutePath());
      for (Suite.Verdict v : verdicts) {
        if (!v.passed()) {
          out.printf(
              Locale.ROOT,
              "  %s seed %d: %s %s (%s)%n",
              v.scenario(),
              v.seed(),
              v.verdict(),
              v.failed(),
              v.dir());
        }
      }
      out.flush();
      return passed == verdicts.size() ? OK : FAILED;
    }

    private List<Scenario> scenarios() {
      if (replay != null) {
        return List.of(Scenario.ISOLATE_LEADER);
      }
      try {
        return switch (scenario) {
          case "all" -> List.of(Scenario.values());
          case "smoke" -> Scenario.smoke();
          default -> {
            Scenario s = Scenario.parse(scenario);
            if (daemons < s.minDaemons()) {
              throw new ParameterException(
                  spec.commandLine(), s.label() + " needs --daemons " + s.minDaemons());
            }
            yield List.of(s);
          }
        };
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    long durationMs() {
      try {
        String d = duration.trim().toLowerCase(Locale.ROOT);
        long ms =
            d.endsWith("ms")
                ? Long.parseLong(d.substring(0, d.length() - 2))
                : d.endsWith("m")
                    ? Duration.ofMinutes(Long.parseLong(d.substring(0, d.length() - 1))).toMillis()
                    : Duration.ofSeconds(
                            Long.parseLong(d.endsWith("s") ? d.substring(0, d.length() - 1) : d))
                        .toMillis();
        if (ms < 10_000 || ms > 3_600_000) {
          throw new ParameterException(spec.commandLine(), "--duration must be in [10s, 60m]");
        }
        return ms;
      } catch (NumberFormatException e) {
        throw new ParameterException(
            spec.commandLine(), "--duration must look like 40s, 2m or 30000ms, got " + duration);
      }
    }
  }

  /** {@code chaos scenarios}. */
  @Command(name = "scenarios", mixinStandardHelpOptions = true, description = "List the scenarios.")
  public static final class Scenarios implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (Scenario s : Scenario.values()) {
        out.printf(
            Locale.ROOT,
            "%-17s %s%s%s%n",
            s.label(),
            s.description(),
            s.minDaemons() > 3 ? " [5 daemons]" : "",
            Scenario.smoke().contains(s) ? " [smoke]" : "");
      }
      out.flush();
      return OK;
    }
  }

  /**
   * {@code chaos planted}: for each planted bug, runs the scenario that should expose it, seed
   * after seed, until a checker fails; the command passes only when every bug was caught.
   */
  @Command(
      name = "planted",
      mixinStandardHelpOptions = true,
      description =
          "Prove the checkers can fail: run each planted daemon bug until a checker catches it.")
  public static final class Planted implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--bug", description = "Only these bugs (default: all four).")
    List<String> bugs = new ArrayList<>();

    @Option(
        names = "--seeds",
        defaultValue = "3",
        description = "Most seeds per bug (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "First seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--duration", defaultValue = "30s", description = "Faulted phase per run.")
    String duration;

    @Option(
        names = "--out",
        defaultValue = "chaos-results/planted",
        description = "Results directory.")
    Path out;

    @Option(names = "--network", defaultValue = "auto", description = "netns, relay or auto.")
    String network;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      List<String> which = bugs.isEmpty() ? PlantedBugs.labels() : bugs;
      Run parse = new Run();
      parse.spec = spec;
      parse.duration = duration;
      long ms = parse.durationMs();
      boolean all = true;
      for (String bug : which) {
        Scenario s = PlantedBugs.EXPOSED_BY.get(bug);
        if (s == null) {
          throw new ParameterException(spec.commandLine(), "unknown planted bug " + bug);
        }
        Optional<Suite.Verdict> caught = PlantedBugs.hunt(bug, seed, seeds, ms, network, out, w);
        all &= caught.isPresent();
        w.printf(
            Locale.ROOT,
            "planted %s (%s): %s%n",
            bug,
            s.label(),
            caught
                .map(v -> "caught, seed " + v.seed() + ": " + String.join(", ", v.failedSafety()))
                .orElse("NOT CAUGHT by a safety checker in " + seeds + " seeds"));
        w.flush();
      }
      return all ? OK : FAILED;
    }
  }

  /** {@code chaos check DIR}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Run the checkers again on a saved run directory and rewrite its report.")
  public static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A run directory (with history.jsonl).")
    Path dir;

    @Override
    public Integer call() throws Exception {
      return Inner.check(dir) ? OK : FAILED;
    }
  }

  /** The inner harness of one run (started by {@code run} in the run's own namespaces). */
  @Command(name = "inner", hidden = true)
  public static final class InnerRun implements Callable<Integer> {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
      return Inner.run(dir) ? OK : FAILED;
    }
  }
}
