package dev.tether.chaos.net;

import java.util.List;

/**
 * How the daemons of a run are wired, and the network faults that can be made between them. Daemons
 * are numbered 1..n. Clients of the harness always reach every daemon; faults apply only between
 * daemons (and the node agents that live beside them).
 */
public interface Network extends AutoCloseable {
  /** {@code netns} or {@code relay}. */
  String mode();

  int daemons();

  DaemonAddress address(int daemon);

  /** The command prefix that runs a process beside {@code daemon} (e.g. in its namespace). */
  List<String> launchPrefix(int daemon);

  /** JVM options for a process beside {@code daemon} (e.g. its hosts file). */
  List<String> jvmOptions(int daemon);

  /** Cuts exactly the pairs of {@code p} (replacing any previous partition). */
  void partition(Partition p);

  /** Drops (netns) or delays as lost (relay) {@code percent} of the traffic of {@code daemon}. */
  void loss(int daemon, int percent);

  /** True when links can be slowed or stalled one way (relay mode). */
  boolean supportsLinkFaults();

  /** Delays every link between daemons. */
  void delay(long delayMs, long jitterMs);

  /** Holds every byte from {@code from} to {@code to} (one direction). */
  void stall(int from, int to);

  /** Removes every fault. */
  void heal();

  @Override
  void close();
}
