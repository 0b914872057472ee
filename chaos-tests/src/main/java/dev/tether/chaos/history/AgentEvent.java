package dev.tether.chaos.history;

/**
 * What a node agent told its application, or what the harness did to the agent.
 *
 * @param nanos when, nanoseconds since the run started (from the agent host's wall clock)
 * @param node the node id
 * @param daemon the daemon the agent is bound to
 * @param event {@code started}, {@code fenced}, {@code unfenced}, {@code drain}, {@code stopped} or
 *     {@code start-failed}
 * @param detail free text
 */
public record AgentEvent(long nanos, String node, String daemon, String event, String detail) {
  public static final String STARTED = "started";
  public static final String FENCED = "fenced";
  public static final String UNFENCED = "unfenced";
  public static final String DRAIN = "drain";
  public static final String STOPPED = "stopped";
  public static final String START_FAILED = "start-failed";
}
