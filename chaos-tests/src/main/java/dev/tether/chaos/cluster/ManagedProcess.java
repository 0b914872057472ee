package dev.tether.chaos.cluster;

import dev.tether.chaos.net.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process the harness can start, kill -9, pause (SIGSTOP), resume and restart, with its
 * output appended to one log file across restarts.
 */
public class ManagedProcess {
  /** How long a stop waits for SIGTERM before SIGKILL, ms. */
  static final long STOP_GRACE_MS = 3_000;

  private final String name;
  private final List<String> command;
  private final Path log;
  private final boolean pipeStdin;
  private Process process;
  private boolean paused;

  public ManagedProcess(String name, List<String> command, Path log, boolean pipeStdin) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
    this.pipeStdin = pipeStdin;
  }

  public String name() {
    return name;
  }

  public List<String> command() {
    return command;
  }

  /** Starts the process (again); its output goes to the end of the log. */
  public synchronized Process start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Files.writeString(
        log,
        "=== " + Instant.now() + " starting " + name + ": " + String.join(" ", command) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(!pipeStdin)
            .redirectOutput(
                pipeStdin
                    ? ProcessBuilder.Redirect.PIPE
                    : ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (pipeStdin) {
      pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    } else {
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    process = pb.start();
    paused = false;
    return process;
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  public synchronized boolean paused() {
    return paused;
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** SIGKILL, and waits until it is gone. */
  public synchronized void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    paused = false;
  }

  /** SIGSTOP: the process keeps its sockets and state but runs nothing. */
  public synchronized void pause() {
    if (alive() && !paused) {
      Shell.run(List.of("kill", "-STOP", Long.toString(process.pid())));
      paused = true;
    }
  }

  /** SIGCONT. */
  public synchronized void resume() {
    if (alive() && paused) {
      Shell.run(List.of("kill", "-CONT", Long.toString(process.pid())));
      paused = false;
    }
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  public synchronized void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    resume();
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
        kill9();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill9();
    }
  }

  /** The process's stdin (for processes started with a stdin pipe). */
  public synchronized java.io.OutputStream stdin() {
    if (process == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return process.getOutputStream();
  }

  protected synchronized Process process() {
    return process;
  }
}
