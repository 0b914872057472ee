package dev.tether.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: the first column and any {@link #textColumns} are
 * left-aligned, the others right-aligned (they hold numbers). Shared by every command's {@code
 * --output table}.
 */
public final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;
  private final boolean[] left;

  /** A table with these column headers. */
  public Table(String... headers) {
    this.columns = headers.length;
    this.left = new boolean[columns];
    if (columns > 0) {
      left[0] = true;
    }
    rows.add(headers.clone());
  }

  /** Left-aligns these columns (0-based) too: they hold text. */
  public Table textColumns(int... indexes) {
    for (int i : indexes) {
      left[i] = true;
    }
    return this;
  }

  /** True when the table has no row but its header. */
  public boolean isEmpty() {
    return rows.size() == 1;
  }

  /** Adds a row; it must have one cell per column. */
  public Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, the table " + columns + " columns");
    }
    rows.add(cells.clone());
    return this;
  }

  /** The table, one line per row, columns separated by two spaces. */
  public String render() {
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        if (c > 0) {
          line.append("  ");
        }
        String pad = " ".repeat(width[c] - row[c].length());
        line.append(left[c] ? row[c] + pad : pad + row[c]);
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return out.toString();
  }
}
