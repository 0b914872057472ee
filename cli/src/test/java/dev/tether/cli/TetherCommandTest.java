package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The root command's conventions: help with exit codes, version, completion, usage errors. */
class TetherCommandTest {
  @Test
  void helpListsSubcommandsAndEveryExitCode() {
    Run run = Run.of("--help");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("ring", "completion", "help", "Exit codes:");
    for (String code : ExitCodes.descriptions().keySet()) {
      assertThat(run.out()).containsPattern("(?m)^\\s+" + code + "\\s+[A-Z_]+");
    }
    assertThat(Run.of("ring", "evaluate", "--help").out()).contains("Exit codes:", "CONFLICT");
  }

  @Test
  void versionIsPrinted() {
    Run run = Run.of("--version");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).startsWith("tether ");
  }

  @Test
  void completionPrintsABashScript() {
    Run run = Run.of("completion");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("complete -F", "evaluate", "--ids-file");
  }

  @Test
  void missingOrUnknownSubcommandIsAUsageError() {
    Run bare = Run.of();
    assertThat(bare.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bare.err()).contains("Missing required subcommand");
    Run unknown = Run.of("ring", "evalute");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("evalute", "Did you mean");
    assertThat(unknown.out()).isEmpty();
  }
}
