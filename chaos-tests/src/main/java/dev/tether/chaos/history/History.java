package dev.tether.chaos.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a run recorded, safe to append to from any thread: client operations, faults, agent
 * events, node and Raft status samples, and named instants (marks). Time is nanoseconds since the
 * run started on the harness's monotonic clock; wall-clock times from other processes (the leader's
 * state_changed_ms, agent callbacks) are converted with {@link #fromWallMillis}.
 */
public final class History {
  /** Marks the checkers rely on. */
  public static final String MARK_WORKLOAD_START = "workload-start";

  public static final String MARK_FINAL_HEAL = "final-heal";
  public static final String MARK_WORKLOAD_STOP = "workload-stop";
  public static final String MARK_FINAL_RESTART = "final-restart";
  public static final String MARK_FINAL_READS = "final-reads";

  private final long originNanos;
  private final long originWallMillis;
  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<FaultEvent> faults = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<AgentEvent> agents = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<NodeSample> nodes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<StatusSample> statuses = new ConcurrentLinkedQueue<>();
  private final Map<String, Long> marks = new LinkedHashMap<>();

  public History() {
    this(System.nanoTime(), System.currentTimeMillis());
  }

  /** A history whose time zero is {@code originNanos} (monotonic) = {@code originWallMillis}. */
  public History(long originNanos, long originWallMillis) {
    this.originNanos = originNanos;
    this.originWallMillis = originWallMillis;
  }

  /** Now, nanoseconds since the run started. */
  public long now() {
    return System.nanoTime() - originNanos;
  }

  /** A wall-clock time of this machine as nanoseconds since the run started. */
  public long fromWallMillis(long wallMillis) {
    return (wallMillis - originWallMillis) * 1_000_000L;
  }

  /** The wall-clock time at which the run started, ms since the Unix epoch. */
  public long originWallMillis() {
    return originWallMillis;
  }

  public long nextOpId() {
    return ids.getAndIncrement();
  }

  public void add(Op op) {
    ops.add(op);
  }

  public void add(FaultEvent f) {
    faults.add(f);
  }

  public void add(AgentEvent e) {
    agents.add(e);
  }

  public void add(NodeSample s) {
    nodes.add(s);
  }

  public void add(StatusSample s) {
    statuses.add(s);
  }

  /** Records a named instant (the last one wins). */
  public synchronized void mark(String name, long nanos) {
    marks.put(name, nanos);
  }

  public synchronized Long mark(String name) {
    return marks.get(name);
  }

  public synchronized Map<String, Long> marks() {
    return new LinkedHashMap<>(marks);
  }

  /** Operations in invocation order. */
  public List<Op> ops() {
    List<Op> list = new ArrayList<>(ops);
    list.sort(Comparator.comparingLong(Op::invokeNanos).thenComparingLong(Op::id));
    return list;
  }

  public List<FaultEvent> faults() {
    List<FaultEvent> list = new ArrayList<>(faults);
    list.sort(Comparator.comparingLong(FaultEvent::startNanos).thenComparingInt(FaultEvent::id));
    return list;
  }

  public List<AgentEvent> agentEvents() {
    List<AgentEvent> list = new ArrayList<>(agents);
    list.sort(Comparator.comparingLong(AgentEvent::nanos));
    return list;
  }

  public List<NodeSample> nodeSamples() {
    List<NodeSample> list = new ArrayList<>(nodes);
    list.sort(Comparator.comparingLong(NodeSample::nanos));
    return list;
  }

  public List<StatusSample> statusSamples() {
    List<StatusSample> list = new ArrayList<>(statuses);
    list.sort(Comparator.comparingLong(StatusSample::nanos));
    return list;
  }
}
