package dev.tether.chaos.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short system commands (ip, nft, kill) and fails loudly with their output. */
public final class Shell {
  /** Longest a network or signal command may take. */
  static final long COMMAND_TIMEOUT_MS = 10_000;

  private Shell() {}

  /** The command's output; throws when it fails or times out. */
  public static String run(List<String> command) {
    return run(command, null);
  }

  /** The command's output, with {@code stdin} written to it; throws when it fails. */
  public static String run(List<String> command, String stdin) {
    Result r = tryRun(command, stdin);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed (exit " + r.exitCode() + "): " + r.output().strip());
    }
    return r.output();
  }

  /** The exit code and output of a command (exit -1 when it could not run or timed out). */
  public record Result(int exitCode, String output) {}

  public static Result tryRun(List<String> command, String stdin) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
    }
    try {
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = read(p.getInputStream());
      if (!p.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " timed out; output: " + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      p.destroyForcibly();
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
