package dev.tether.chaos.net;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of one directed relay edge (daemon a to daemon b): what happens to the bytes of every
 * connection a opens to b. Changes apply at once to open connections.
 */
public final class Link {
  /** Retransmission timeout emulated for a "lost" chunk, ms (Linux's minimum RTO). */
  static final long LOSS_RTO_MS = 200;

  /** What the edge does with bytes. */
  public enum Mode {
    /** Forward (after the configured delay). */
    PASS,
    /** Hold every byte, accept new connections but forward nothing: a blackhole. */
    STALL,
    /** Reset every connection and refuse new ones. */
    DROP
  }

  private final String name;
  private final Set<Relay.Connection> connections = ConcurrentHashMap.newKeySet();
  private final SplittableRandom random;
  private Mode mode = Mode.PASS;
  private long delayMs;
  private long jitterMs;
  private int lossPercent;

  Link(String name, long seed) {
    this.name = name;
    this.random = new SplittableRandom(seed);
  }

  public String name() {
    return name;
  }

  public synchronized Mode mode() {
    return mode;
  }

  /** Sets the mode; DROP resets open connections, leaving a STALL releases held bytes. */
  public void mode(Mode m) {
    synchronized (this) {
      mode = m;
      notifyAll();
    }
    if (m == Mode.DROP) {
      for (Relay.Connection c : connections) {
        c.reset();
      }
    }
  }

  /** Adds {@code delayMs} plus up to {@code jitterMs} to every chunk (order is kept). */
  public synchronized void delay(long delayMs, long jitterMs) {
    this.delayMs = delayMs;
    this.jitterMs = jitterMs;
  }

  /** Delays {@code percent} of chunks by a retransmission timeout, as lost packets would be. */
  public synchronized void loss(int percent) {
    this.lossPercent = percent;
  }

  /** Back to PASS without delay or loss. */
  public void heal() {
    synchronized (this) {
      delayMs = 0;
      jitterMs = 0;
      lossPercent = 0;
    }
    mode(Mode.PASS);
  }

  /** How long to hold a chunk read now, ms. */
  synchronized long chunkDelayMs() {
    long d = delayMs + (jitterMs > 0 ? random.nextLong(jitterMs + 1) : 0);
    if (lossPercent > 0 && random.nextInt(100) < lossPercent) {
      d += LOSS_RTO_MS;
    }
    return d;
  }

  /** Blocks while the edge stalls; false when it drops (the connection must be reset). */
  synchronized boolean awaitForwarding() throws InterruptedException {
    while (mode == Mode.STALL) {
      wait();
    }
    return mode == Mode.PASS;
  }

  void opened(Relay.Connection c) {
    connections.add(c);
  }

  void closed(Relay.Connection c) {
    connections.remove(c);
  }

  int openConnections() {
    return connections.size();
  }
}
