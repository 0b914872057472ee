package dev.tether.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the machine is, for the report. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("cpu_model", firstMatch(Path.of("/proc/cpuinfo"), "model name"));
    m.put("mem_total", firstMatch(Path.of("/proc/meminfo"), "MemTotal"));
    m.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("etcd", etcdVersion());
    return m;
  }

  private static String etcdVersion() {
    try {
      Process p = new ProcessBuilder("etcd", "--version").redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("?").trim();
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static String firstMatch(Path p, String key) {
    try {
      for (String line : Files.readAllLines(p)) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      return "?";
    }
    return "?";
  }
}
