package dev.tether.statemachine.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads scenario scripts: lines starting with {@code > } are commands; the lines that follow, up to
 * the next command, blank line or comment, are the expected output.
 */
final class ScenarioFiles {
  static final Path DIR = Path.of("src", "test", "resources", "scenarios");

  private ScenarioFiles() {}

  record Step(String command, String expected, int line) {}

  static List<Path> all() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
  }

  static List<Step> parse(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).startsWith("> ")) {
        continue;
      }
      StringBuilder expected = new StringBuilder();
      int j = i + 1;
      while (j < lines.size()
          && !lines.get(j).startsWith("> ")
          && !lines.get(j).isBlank()
          && !lines.get(j).startsWith("#")) {
        if (expected.length() > 0) {
          expected.append('\n');
        }
        expected.append(lines.get(j));
        j++;
      }
      steps.add(new Step(lines.get(i).substring(2), expected.toString(), i + 1));
    }
    return steps;
  }

  /**
   * Rewrites a scenario with the actual outputs (for -Dscenarios.rewrite=true; review the diff).
   */
  static void rewrite(Path file, List<String> actual) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    int step = 0;
    for (int i = 0; i < lines.size(); i++) {
      out.add(lines.get(i));
      if (lines.get(i).startsWith("> ")) {
        out.addAll(List.of(actual.get(step++).split("\n", -1)));
        while (i + 1 < lines.size()
            && !lines.get(i + 1).startsWith("> ")
            && !lines.get(i + 1).isBlank()
            && !lines.get(i + 1).startsWith("#")) {
          i++;
        }
      }
    }
    Files.write(file, out, StandardCharsets.UTF_8);
  }
}
