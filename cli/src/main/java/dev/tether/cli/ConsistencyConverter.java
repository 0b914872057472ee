package dev.tether.cli;

import dev.tether.client.ReadConsistency;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --consistency linearizable|stale}. */
final class ConsistencyConverter implements ITypeConverter<ReadConsistency> {
  /** The option's description, shared by every read command. */
  static final String DESCRIPTION =
      "linearizable (confirmed with a majority; fails when not authoritative) or stale (this"
          + " daemon's state, at once, flagged not authoritative); default: linearizable.";

  @Override
  public ReadConsistency convert(String value) {
    for (ReadConsistency c : ReadConsistency.values()) {
      if (c.name().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new TypeConversionException(
        "'" + value + "' is not a consistency, expected linearizable or stale");
  }

  /** The completion candidates. */
  static final class Candidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("linearizable", "stale").iterator();
    }
  }
}
