package dev.tether.daemon;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints every thread's stack when a test fails: a stuck cluster test explains itself. */
final class ThreadDumpOnFailure implements TestWatcher {
  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    StringBuilder dump =
        new StringBuilder(
            "THREAD DUMP after " + context.getDisplayName() + " failed: " + cause + "\n");
    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
      dump.append('"')
          .append(t.getKey().getName())
          .append("\" ")
          .append(t.getKey().getState())
          .append('\n');
      for (StackTraceElement f : t.getValue()) {
        dump.append("    at ").append(f).append('\n');
      }
    }
    System.err.println(dump);
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {}
}
