package dev.tether.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code history.jsonl}: one JSON object per line, each with a {@code type}: {@code origin} (first
 * line: the run's wall-clock origin), {@code op}, {@code fault}, {@code agent}, {@code node},
 * {@code status} and {@code mark}. Times are nanoseconds since the run started. The checkers can be
 * run again on a saved file ({@code chaos check}).
 */
public final class HistoryIO {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryIO() {}

  public static void write(History h, Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      ObjectNode origin = JSON.createObjectNode();
      origin.put("type", "origin");
      origin.put("originWallMillis", h.originWallMillis());
      line(w, origin);
      for (Op op : h.ops()) {
        line(w, typed("op", op));
      }
      for (FaultEvent f : h.faults()) {
        line(w, typed("fault", f));
      }
      for (AgentEvent e : h.agentEvents()) {
        line(w, typed("agent", e));
      }
      for (NodeSample s : h.nodeSamples()) {
        line(w, typed("node", s));
      }
      for (StatusSample s : h.statusSamples()) {
        line(w, typed("status", s));
      }
      for (Map.Entry<String, Long> m : h.marks().entrySet()) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "mark");
        n.put("name", m.getKey());
        n.put("nanos", m.getValue());
        line(w, n);
      }
    }
  }

  public static History read(Path file) throws IOException {
    History h = null;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      while ((text = r.readLine()) != null) {
        if (text.isBlank()) {
          continue;
        }
        ObjectNode n = (ObjectNode) JSON.readTree(text);
        String type = n.remove("type").asText();
        if (h == null) {
          long origin = type.equals("origin") ? n.get("originWallMillis").asLong() : 0;
          h = new History(0, origin);
          if (type.equals("origin")) {
            continue;
          }
        }
        switch (type) {
          case "op" -> h.add(JSON.treeToValue(n, Op.class));
          case "fault" -> h.add(JSON.treeToValue(n, FaultEvent.class));
          case "agent" -> h.add(JSON.treeToValue(n, AgentEvent.class));
          case "node" -> h.add(JSON.treeToValue(n, NodeSample.class));
          case "status" -> h.add(JSON.treeToValue(n, StatusSample.class));
          case "mark" -> h.mark(n.get("name").asText(), n.get("nanos").asLong());
          default -> throw new IOException(file + ": unknown line type '" + type + "'");
        }
      }
    }
    if (h == null) {
      throw new IOException(file + " is empty");
    }
    return h;
  }

  private static ObjectNode typed(String type, Object value) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", type);
    JsonNode body = JSON.valueToTree(value);
    n.setAll((ObjectNode) body);
    return n;
  }

  private static void line(BufferedWriter w, JsonNode n) throws IOException {
    w.write(JSON.writeValueAsString(n));
    w.newLine();
  }
}
