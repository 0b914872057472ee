package dev.tether.cli;

import picocli.CommandLine.Option;

/** The {@code --ring RING} option of the node, session and owner commands. */
public final class RingOption {
  @Option(
      names = "--ring",
      required = true,
      paramLabel = "RING",
      description = "The ring (1 to 63 characters of [a-z0-9-]).")
  String ring;

  /** The ring, after checking its name. */
  String check(Usage usage) {
    return usage.ringName("--ring", ring);
  }

  String ring() {
    return ring;
  }
}
