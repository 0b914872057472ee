package dev.tether.bench.peers;

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
import javax.imageio.ImageIO;

/** Throughput against requests in flight, both systems and the echo ceiling: a PNG, Java2D. */
final class Chart {
  private Chart() {}

  static final int W = 900;
  static final int H = 560;
  static final int LEFT = 90;
  static final int RIGHT = 230;
  static final int TOP = 50;
  static final int BOTTOM = 70;

  static void write(List<Throughput.Cell> cells, String subtitle, Path png) throws IOException {
    // Series: scenario + system -> (in flight, median ops/s).
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (Throughput.Cell c : cells) {
      if (!c.scenario().equals("write") && !c.scenario().equals("lookup-linearizable")) {
        continue;
      }
      for (var e : c.trials().entrySet()) {
        String label =
            e.getKey().equals("echo")
                ? "gRPC echo ceiling"
                : (e.getKey().equals("tether") ? "Tether " : "etcd ")
                    + (c.scenario().equals("write") ? "pin / put" : "linearizable lookup / get");
        series
            .computeIfAbsent(label, k -> new ArrayList<>())
            .add(
                new double[] {
                  c.conns() * (double) c.inFlight(), Report.median(e.getValue(), "ops_per_sec")
                });
      }
    }
    double xMax = 1;
    double yMax = 1;
    for (List<double[]> pts : series.values()) {
      for (double[] p : pts) {
        xMax = Math.max(xMax, p[0]);
        if (!Double.isNaN(p[1])) {
          yMax = Math.max(yMax, p[1]);
        }
      }
    }
    yMax = niceCeil(yMax * 1.1);
    double lxMax = Math.log10(Math.max(10, xMax)) + 0.1;
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("Throughput against requests in flight (median of trials)", LEFT, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString(subtitle, LEFT, 40);
    // Axes and grid.
    g.setColor(new Color(225, 225, 225));
    for (int i = 0; i <= 5; i++) {
      int y = TOP + ph - (int) (ph * i / 5.0);
      g.drawLine(LEFT, y, LEFT + pw, y);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, pw, ph);
    for (int i = 0; i <= 5; i++) {
      int y = TOP + ph - (int) (ph * i / 5.0);
      String s = String.format("%,.0f", yMax * i / 5);
      g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), y + 4);
    }
    for (double x = 1; x <= xMax * 1.01; x *= 4) {
      int px = LEFT + (int) (pw * Math.log10(x) / lxMax);
      g.drawLine(px, TOP + ph, px, TOP + ph + 5);
      String s = String.format("%.0f", x);
      g.drawString(s, px - g.getFontMetrics().stringWidth(s) / 2, TOP + ph + 18);
    }
    g.drawString(
        "requests in flight (connections × in flight per connection), log scale", LEFT, H - 30);
    g.rotate(-Math.PI / 2);
    g.drawString("ops/s", -(TOP + ph / 2) - 15, 22);
    g.rotate(Math.PI / 2);
    Color[] colors = {
      new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
      new Color(214, 39, 40), new Color(110, 110, 110), new Color(148, 103, 189)
    };
    int k = 0;
    for (var e : series.entrySet()) {
      Color col = colors[k % colors.length];
      boolean dashed = e.getKey().startsWith("etcd");
      g.setColor(col);
      g.setStroke(
          dashed
              ? new BasicStroke(
                  2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f)
              : new BasicStroke(2.2f));
      int[] prev = null;
      for (double[] p : e.getValue()) {
        if (Double.isNaN(p[1])) {
          continue;
        }
        int px = LEFT + (int) (pw * Math.log10(p[0]) / lxMax);
        int py = TOP + ph - (int) (ph * p[1] / yMax);
        g.fillOval(px - 4, py - 4, 8, 8);
        if (prev != null) {
          g.drawLine(prev[0], prev[1], px, py);
        }
        prev = new int[] {px, py};
      }
      int ly = TOP + 10 + 22 * k;
      g.drawLine(LEFT + pw + 15, ly, LEFT + pw + 45, ly);
      g.setColor(Color.BLACK);
      g.drawString(e.getKey(), LEFT + pw + 52, ly + 4);
      k++;
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  private static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
