package dev.tether.chaos.report;

import dev.tether.chaos.history.AgentEvent;
import dev.tether.chaos.history.FaultEvent;
import dev.tether.chaos.history.History;
import dev.tether.chaos.history.NodeSample;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.Outcome;
import dev.tether.chaos.history.StatusSample;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * {@code timeline.png}: one picture of a run, drawn with plain Java2D. Faults are shaded across the
 * whole height; the ring's leader/term lane shows who led and in which term; each daemon has a read
 * lane and a write lane where every call is a line from invocation to completion, green (ok), red
 * (failed) or amber (unknown); each node has a lane showing when its agent served (green) or was
 * fenced (grey), with a red tick where the leader marked it DOWN.
 */
public final class Timeline {
  static final int WIDTH = 1600;
  static final int LEFT = 110;
  static final int RIGHT = 20;
  static final int TOP = 40;
  static final int LANE = 26;
  static final Color OK = new Color(0x2E, 0x9E, 0x44);
  static final Color FAIL = new Color(0xD0, 0x30, 0x30);
  static final Color INFO = new Color(0xE8, 0xA0, 0x10);
  static final Color[] DAEMONS = {
    new Color(0x1F, 0x77, 0xB4),
    new Color(0xFF, 0x7F, 0x0E),
    new Color(0x94, 0x67, 0xBD),
    new Color(0x8C, 0x56, 0x4B),
    new Color(0x17, 0xBE, 0xCF)
  };

  private Timeline() {}

  public static void write(History h, List<String> daemons, String ring, String title, Path file)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<String> nodes =
        new ArrayList<>(new TreeSet<>(h.agentEvents().stream().map(AgentEvent::node).toList()));
    int lanes = 1 + 2 * daemons.size() + nodes.size();
    int height = TOP + lanes * LANE + 70;
    BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, height);
    long end = 1;
    for (Op op : h.ops()) {
      end = Math.max(end, op.completeNanos());
    }
    // From just before the workload: the cluster's start-up is not interesting.
    Long workload = h.mark(History.MARK_WORKLOAD_START);
    long from = workload == null ? 0 : Math.max(0, workload - 2_000_000_000L);
    Scale x = new Scale(from, Math.max(from + 1, end));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, 18);
    drawFaults(g, h.faults(), x, TOP, lanes * LANE);
    drawMarks(g, h, x, TOP, lanes * LANE);
    drawAxis(g, x, TOP + lanes * LANE);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    int y = TOP;
    drawLeaders(g, h.statusSamples(), ring, daemons, x, y);
    y += LANE;
    Map<String, Integer> laneOf = new LinkedHashMap<>();
    for (String d : daemons) {
      label(g, d + " reads", y);
      laneOf.put(d + "/r", y);
      y += LANE;
      label(g, d + " writes", y);
      laneOf.put(d + "/w", y);
      y += LANE;
    }
    for (Op op : h.ops()) {
      Integer lane = laneOf.get(op.daemon() + (op.kind().isRead() ? "/r" : "/w"));
      if (lane == null) {
        continue;
      }
      g.setColor(op.outcome() == Outcome.OK ? OK : op.outcome() == Outcome.FAIL ? FAIL : INFO);
      int yy = lane + 3 + (int) Math.floorMod(op.id() * 7, LANE - 6);
      g.drawLine(
          x.at(op.invokeNanos()),
          yy,
          Math.max(x.at(op.invokeNanos()) + 1, x.at(op.completeNanos())),
          yy);
    }
    for (String n : nodes) {
      label(g, "node " + n, y);
      drawNode(g, h, n, x, y);
      y += LANE;
    }
    drawLegend(g, height - 22);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private record Scale(long from, long end) {
    int at(long nanos) {
      double f = Math.max(0, Math.min(1, (nanos - from) / (double) (end - from)));
      return LEFT + (int) Math.round(f * (WIDTH - LEFT - RIGHT));
    }
  }

  private static void drawMarks(Graphics2D g, History h, Scale x, int top, int height) {
    g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 10));
    for (Map.Entry<String, Long> m : h.marks().entrySet()) {
      int xx = x.at(m.getValue());
      g.setColor(Color.GRAY);
      g.setStroke(
          new BasicStroke(
              1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 4, new float[] {4, 4}, 0));
      g.drawLine(xx, top, xx, top + height);
      g.setStroke(new BasicStroke(1));
      g.drawString(m.getKey(), xx + 2, top + height - 3);
    }
  }

  private static void label(Graphics2D g, String text, int y) {
    g.setColor(Color.DARK_GRAY);
    g.drawString(text, 6, y + LANE / 2 + 4);
    g.setColor(new Color(0xEE, 0xEE, 0xEE));
    g.drawLine(LEFT, y + LANE, WIDTH - RIGHT, y + LANE);
  }

  private static void drawFaults(Graphics2D g, List<FaultEvent> faults, Scale x, int top, int h) {
    for (FaultEvent f : faults) {
      int a = x.at(f.startNanos());
      int b = Math.max(a + 1, x.at(f.endNanos()));
      g.setColor(new Color(0xFF, 0xD0, 0xD0, 0x90));
      if (f.isolated().isEmpty() && f.stopped().isEmpty()) {
        g.setColor(new Color(0xD0, 0xD8, 0xFF, 0x90));
      }
      g.fillRect(a, top, b - a, h);
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
      g.drawString(f.name(), a + 2, top - 4 - (f.id() % 2) * 10);
    }
  }

  private static void drawAxis(Graphics2D g, Scale x, int y) {
    g.setColor(Color.BLACK);
    g.drawLine(LEFT, y, WIDTH - RIGHT, y);
    long seconds = x.end() / 1_000_000_000L;
    long step = (x.end() - x.from()) / 1_000_000_000L > 120 ? 10 : 5;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (long s = (x.from() / 1_000_000_000L / step + 1) * step; s <= seconds; s += step) {
      int xx = x.at(s * 1_000_000_000L);
      g.drawLine(xx, y, xx, y + 4);
      g.drawString(s + "s", xx - 6, y + 16);
    }
  }

  private static void drawLeaders(
      Graphics2D g, List<StatusSample> samples, String ring, List<String> daemons, Scale x, int y) {
    label(g, "ring leader", y);
    long lastTerm = -1;
    for (StatusSample s : samples) {
      if (!s.group().equals(ring) || !s.leads()) {
        continue;
      }
      int idx = Math.max(0, daemons.indexOf(s.daemon()));
      g.setColor(DAEMONS[idx % DAEMONS.length]);
      int xx = x.at(s.nanos());
      g.fillRect(xx, y + 4, 3, LANE - 8);
      if (s.term() != lastTerm) {
        g.setColor(Color.BLACK);
        g.drawString(s.daemon() + " t" + s.term(), xx + 2, y + 11);
        lastTerm = s.term();
      }
    }
  }

  private static void drawNode(Graphics2D g, History h, String node, Scale x, int y) {
    long from = 0;
    Boolean serving = null;
    for (AgentEvent e : h.agentEvents()) {
      if (!e.node().equals(node)) {
        continue;
      }
      Boolean s =
          switch (e.event()) {
            case AgentEvent.STARTED, AgentEvent.UNFENCED -> true;
            case AgentEvent.FENCED, AgentEvent.STOPPED, AgentEvent.START_FAILED -> false;
            default -> null;
          };
      if (s == null) {
        continue;
      }
      if (serving != null) {
        band(g, x, y, from, e.nanos(), serving);
      }
      from = e.nanos();
      serving = s;
    }
    if (serving != null) {
      band(g, x, y, from, x.end(), serving);
    }
    g.setStroke(new BasicStroke(2));
    g.setColor(FAIL);
    for (NodeSample s : h.nodeSamples()) {
      if (s.node().equals(node) && s.state().equals("DOWN")) {
        int xx = x.at(s.stateChangedNanos());
        g.drawLine(xx, y + 2, xx, y + LANE - 2);
      }
    }
    g.setStroke(new BasicStroke(1));
  }

  private static void band(Graphics2D g, Scale x, int y, long from, long to, boolean serving) {
    g.setColor(serving ? new Color(0x9F, 0xD8, 0xA8) : new Color(0xC8, 0xC8, 0xC8));
    int a = x.at(from);
    g.fillRect(a, y + 8, Math.max(1, x.at(to) - a), LANE - 16);
  }

  private static void drawLegend(Graphics2D g, int y) {
    int xx = LEFT;
    Object[][] items = {
      {OK, "ok"},
      {FAIL, "failed"},
      {INFO, "unknown"},
      {new Color(0xFF, 0xD0, 0xD0), "fault cutting daemons off"},
      {new Color(0xD0, 0xD8, 0xFF), "other fault"},
      {new Color(0x9F, 0xD8, 0xA8), "node serving"},
      {new Color(0xC8, 0xC8, 0xC8), "node fenced"},
    };
    for (Object[] it : items) {
      g.setColor((Color) it[0]);
      g.fillRect(xx, y - 9, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString((String) it[1], xx + 18, y);
      xx += 40 + 7 * ((String) it[1]).length();
    }
    g.setColor(FAIL);
    g.drawString("| node marked DOWN by the leader", xx, y);
  }
}
