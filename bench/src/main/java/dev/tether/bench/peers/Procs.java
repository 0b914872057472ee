package dev.tether.bench.peers;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every process the harness starts, by its id. Each start is appended to {@code pids.txt} (so
 * {@code run.sh}'s trap can stop what a crashed JVM left behind); {@link #close} and a shutdown
 * hook stop them all, each by its own pid: SIGTERM, then SIGKILL after a bounded wait.
 */
final class Procs implements AutoCloseable {
  /** How long a process gets to exit after SIGTERM before SIGKILL, milliseconds. */
  static final long TERM_WAIT_MS = 8_000;

  private final Path pidFile;
  private final Map<String, Process> running = new LinkedHashMap<>();

  Procs(Path pidFile) throws IOException {
    this.pidFile = pidFile;
    Files.createDirectories(pidFile.getParent());
    Files.writeString(pidFile, "", StandardCharsets.UTF_8);
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "procs-shutdown"));
  }

  /**
   * Starts {@code command} as {@code name}, output to {@code log}; names are unique while alive.
   */
  synchronized Process start(String name, List<String> command, Path log, Map<String, String> env)
      throws IOException {
    Process old = running.get(name);
    if (old != null && old.isAlive()) {
      throw new IllegalStateException(name + " is already running as pid " + old.pid());
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Process p = pb.start();
    running.put(name, p);
    Files.writeString(
        pidFile, p.pid() + " " + name + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    return p;
  }

  synchronized Process get(String name) {
    return running.get(name);
  }

  /** kill -9 of {@code name}; returns once it is gone. */
  void kill9(String name) {
    Process p = get(name);
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    waitGone(p, TERM_WAIT_MS);
  }

  /** SIGTERM, then SIGKILL after {@link #TERM_WAIT_MS}. */
  void stop(String name) {
    Process p;
    synchronized (this) {
      p = running.remove(name);
    }
    if (p != null) {
      stop(p);
    }
  }

  private static void stop(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    if (!waitGone(p, TERM_WAIT_MS)) {
      p.destroyForcibly();
      waitGone(p, TERM_WAIT_MS);
    }
  }

  private static boolean waitGone(Process p, long ms) {
    try {
      return p.waitFor(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  /** Pids of the live processes (for the quiet check's own-CPU accounting). */
  synchronized List<Long> pids() {
    List<Long> out = new ArrayList<>();
    for (Process p : running.values()) {
      if (p.isAlive()) {
        out.add(p.pid());
      }
    }
    return out;
  }

  @Override
  public void close() {
    List<Process> all;
    synchronized (this) {
      all = new ArrayList<>(running.values());
      running.clear();
    }
    // Stop in parallel: etcd and the daemons each take a second or more to shut down.
    List<Thread> stopping = new ArrayList<>();
    for (Process p : all) {
      Thread t = new Thread(() -> stop(p), "stop-" + p.pid());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      try {
        t.join(2 * TERM_WAIT_MS + 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
