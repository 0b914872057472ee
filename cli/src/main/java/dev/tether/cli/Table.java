package dev.tether.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: the first column left-aligned, the others right-aligned
 * (they hold numbers). Shared by every command's {@code --output table}.
 */
public final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** A table with these column headers. */
  public Table(String... headers) {
    this.columns = headers.length;
    rows.add(headers.clone());
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
        line.append(c == 0 ? row[c] + pad : pad + row[c]);
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return out.toString();
  }
}
