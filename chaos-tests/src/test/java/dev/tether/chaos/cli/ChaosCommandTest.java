package dev.tether.chaos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The chaos command's surface: listing scenarios, and bad usage refused with exit code 2. */
class ChaosCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = ChaosCommand.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void scenariosListsEveryScenarioWithItsSmokeAndDaemonMarks() {
    assertThat(run("scenarios")).isEqualTo(ChaosCommand.OK);
    assertThat(out.toString())
        .contains("isolate-leader", "kill-all", "snapshot-install", "link-faults")
        .containsPattern("majorities-ring .*\\[5 daemons\\]");
  }

  @Test
  void badDaemonCountIsUsage() {
    assertThat(run("run", "--scenario", "isolate-leader", "--daemons", "4"))
        .isEqualTo(ChaosCommand.USAGE);
    assertThat(err.toString()).contains("--daemons must be 3 or 5");
  }

  @Test
  void aFiveDaemonScenarioOnThreeIsUsage() {
    assertThat(run("run", "--scenario", "bridge", "--daemons", "3")).isEqualTo(ChaosCommand.USAGE);
    assertThat(err.toString()).contains("bridge needs --daemons 5");
  }

  @Test
  void tooShortADurationIsUsage() {
    assertThat(run("run", "--scenario", "isolate-leader", "--duration", "5s"))
        .isEqualTo(ChaosCommand.USAGE);
    assertThat(err.toString()).contains("--duration must be in [10s, 60m]");
  }
}
