package dev.tether.chaos.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for child JVMs on the harness's own classpath. */
public final class Jvm {
  private Jvm() {}

  /** The java executable the harness runs on. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The harness's classpath: it holds the daemon and the client too. Under Maven's failsafe the
   * JVM's own classpath may be a manifest-only booter jar; the real one is then in {@code
   * surefire.test.class.path}.
   */
  public static String classpath() {
    String failsafe = System.getProperty("surefire.test.class.path");
    return failsafe != null && !failsafe.isBlank()
        ? failsafe
        : System.getProperty("java.class.path");
  }

  /**
   * {@code prefix java options -cp <harness classpath> mainClass args}; small, quick-starting JVMs
   * (C1 only, serial GC) so that several fit on two shared cores.
   */
  public static List<String> command(
      List<String> prefix, int heapMb, List<String> options, String mainClass, List<String> args) {
    List<String> c = new ArrayList<>(prefix);
    c.add(java());
    c.add("-Xms32m");
    c.add("-Xmx" + heapMb + "m");
    c.add("-XX:+UseSerialGC");
    c.add("-XX:TieredStopAtLevel=1");
    c.add("-XX:ActiveProcessorCount=2");
    c.add("-XX:+ExitOnOutOfMemoryError");
    c.add("-Xss512k");
    c.addAll(options);
    c.add("-cp");
    c.add(classpath());
    c.add(mainClass);
    c.addAll(args);
    return c;
  }
}
