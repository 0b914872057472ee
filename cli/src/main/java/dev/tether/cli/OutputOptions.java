package dev.tether.cli;

import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --output table|json} option, mixed into every command that prints results: a table for
 * people (the default) or one JSON object for scripts.
 */
public final class OutputOptions {
  /** The output formats. */
  public enum Format {
    TABLE,
    JSON;

    /** The name on the command line. */
    public String flagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      completionCandidates = FormatCandidates.class,
      description = "Output format: ${COMPLETION-CANDIDATES} (default: table).")
  private Format format = Format.TABLE;

  /** The chosen format. */
  public Format format() {
    return format;
  }

  /** True when the chosen format is JSON. */
  public boolean json() {
    return format == Format.JSON;
  }

  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      for (Format f : Format.values()) {
        if (f.flagValue().equals(value)) {
          return f;
        }
      }
      throw new TypeConversionException(
          "'" + value + "' is not an output format, expected table or json");
    }
  }

  static final class FormatCandidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return List.of("table", "json").iterator();
    }
  }
}
