package dev.tether.cli.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs running {@code dev.tether.cli.Main} on the test's own classpath, each with its output
 * in a file, and every one of them (and its descendants) killed by {@link #killAll()}.
 */
final class Processes implements AutoCloseable {
  /** How long one CLI command may run. */
  static final Duration CLI_TIMEOUT = Duration.ofMinutes(2);

  private final Path dir;
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private int counter;

  Processes(Path dir) {
    this.dir = dir;
  }

  /** A finished CLI command. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** A long-running child with its output files. */
  record Child(String name, Process process, Path out, Path err) {
    long pid() {
      return process.pid();
    }

    String output() {
      return read(out) + read(err);
    }

    /** SIGKILL, and waits for the exit. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM (a clean stop), and waits for the exit; SIGKILL after {@code wait}. */
    int stop(Duration wait) throws InterruptedException {
      process.destroy();
      if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
      return process.exitValue();
    }

    void signal(String signal) throws IOException, InterruptedException {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("kill -" + signal + " " + pid() + " failed");
      }
    }
  }

  /** Starts {@code tether args} in the background. */
  Child start(String name, int heapMb, String... args) throws IOException {
    int n;
    synchronized (this) {
      n = ++counter;
    }
    Path out = dir.resolve(n + "-" + name + ".out");
    Path err = dir.resolve(n + "-" + name + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command(heapMb, args))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().remove("TETHER_ENDPOINTS");
    Process p = pb.start();
    started.add(p);
    return new Child(name, p, out, err);
  }

  /** Runs {@code tether args} to the end. */
  Result run(String... args) throws IOException, InterruptedException {
    Child c = start(args.length > 1 ? args[0] + "-" + args[1] : "cli", 96, args);
    if (!c.process().waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      c.kill();
      throw new AssertionError("tether " + String.join(" ", args) + " ran over " + CLI_TIMEOUT);
    }
    return new Result(c.process().exitValue(), read(c.out()), read(c.err()));
  }

  private static List<String> command(int heapMb, String... args) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xms32m");
    c.add("-Xmx" + heapMb + "m");
    c.add("-XX:+UseSerialGC");
    c.add("-XX:TieredStopAtLevel=1");
    c.add("-XX:ActiveProcessorCount=2");
    c.add("-XX:+ExitOnOutOfMemoryError");
    c.add("-Xss512k");
    // CompletableFuture's async tasks (Ratis appends among them) need more than one thread.
    c.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=16");
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add("dev.tether.cli.Main");
    c.addAll(List.of(args));
    return c;
  }

  /** Kills every child and its descendants, resuming stopped ones first. */
  void killAll() {
    for (Process p : started) {
      List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
      all.add(p.toHandle());
      for (ProcessHandle h : all) {
        if (h.isAlive()) {
          try {
            new ProcessBuilder("kill", "-CONT", Long.toString(h.pid())).start().waitFor();
          } catch (IOException e) {
            // best effort: SIGKILL below works on stopped processes too
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          h.destroyForcibly();
        }
      }
    }
    for (Process p : started) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    killAll();
  }

  /** {@code n} distinct free loopback ports. */
  static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        open.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
    return ports;
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
