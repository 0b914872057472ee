package dev.tether.cli;

import dev.tether.client.ReadConsistency;
import picocli.CommandLine.Option;

/** The {@code --consistency linearizable|stale} option of the read commands. */
public final class ConsistencyOption {
  @Option(
      names = "--consistency",
      paramLabel = "C",
      converter = ConsistencyConverter.class,
      completionCandidates = ConsistencyConverter.Candidates.class,
      description = ConsistencyConverter.DESCRIPTION)
  ReadConsistency consistency = ReadConsistency.LINEARIZABLE;

  ReadConsistency get() {
    return consistency;
  }
}
