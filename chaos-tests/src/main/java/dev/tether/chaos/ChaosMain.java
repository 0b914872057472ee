package dev.tether.chaos;

import dev.tether.chaos.cli.ChaosCommand;

/**
 * The chaos suite without the {@code tether} CLI: {@code java -cp ... dev.tether.chaos.ChaosMain
 * run --scenario NAME|smoke|all --seed N --duration D [--daemons 3|5] [--out DIR] [--network
 * netns|relay|auto] [--replay schedule.json]}; same options and exit codes as {@code tether chaos}.
 */
public final class ChaosMain {
  private ChaosMain() {}

  public static void main(String[] args) {
    System.exit(ChaosCommand.newCommandLine().execute(args));
  }
}
