package dev.tether.daemon.config;

/** A {@code host:port} address. */
public record HostPort(String host, int port) {
  /** Parses {@code host:port}; the error names {@code field}. */
  public static HostPort parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(field + " must be host:port, got nothing");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(field + " must be host:port, got '" + text + "'");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          field + " has a port that is not a number: '" + text + "'", e);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(field + " port is " + port + ", must be in [1, 65535]");
    }
    return new HostPort(text.substring(0, colon), port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
