package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The root command's conventions: help with exit codes, version, completion, usage errors. */
class TetherCommandTest {
  @Test
  void helpListsSubcommandsAndEveryExitCode() {
    Run run = Run.of("--help");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("up", "daemon", "ring", "node", "session", "owner", "cluster", "completion")
        .contains("help", "Exit codes:");
    for (String code : ExitCodes.descriptions().keySet()) {
      assertThat(run.out()).containsPattern("(?m)^\\s+" + code + "\\s+[A-Z_]+");
    }
    for (String[] leaf :
        new String[][] {
          {"ring", "evaluate"}, {"ring", "watch"}, {"node", "drain"}, {"session", "put"},
          {"owner"}, {"cluster", "status"}, {"daemon"}, {"up"}
        }) {
      String[] args = java.util.Arrays.copyOf(leaf, leaf.length + 1);
      args[leaf.length] = "--help";
      Run help = Run.of(args);
      assertThat(help.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.OK);
      assertThat(help.out()).contains("Exit codes:", "CONFLICT");
    }
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
    assertThat(run.out())
        .contains("complete -F", "evaluate", "--ids-file")
        .contains("simulate", "transfer-leader", "--consistency", "--endpoints", "--wait-timeout");
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
