package dev.tether.client;

/**
 * A daemon's API address. {@code host} is a name, an IPv4 address or a bracketed IPv6 address;
 * {@link #toString()} gives the {@code host:port} form the client uses as the endpoint's key.
 */
record Endpoint(String host, int port) {
  /**
   * Parses {@code host:port} ({@code [v6]:port} for IPv6).
   *
   * @throws IllegalArgumentException naming {@code setting} and what is wrong
   */
  static Endpoint parse(String setting, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(setting + " must not be empty");
    }
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(
          setting + " '" + value + "' is not host:port (e.g. 10.0.0.1:7400 or [::1]:7400)");
    }
    String host = value.substring(0, colon);
    String portText = value.substring(colon + 1);
    if (host.startsWith("[") != host.endsWith("]")) {
      throw new IllegalArgumentException(
          setting + " '" + value + "' has an unbalanced bracket around its IPv6 host");
    }
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
      if (host.isEmpty()) {
        throw new IllegalArgumentException(setting + " '" + value + "' has an empty host");
      }
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          setting + " '" + value + "' needs brackets around its IPv6 host, e.g. [::1]:7400");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (Character.isWhitespace(c) || c == '/' || c == '@') {
        throw new IllegalArgumentException(
            setting + " '" + value + "' has a character not allowed in a host at index " + i);
      }
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          setting + " '" + value + "' has port '" + portText + "', not a number", e);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          setting + " '" + value + "' has port " + port + ", must be in [1, 65535]");
    }
    return new Endpoint(host, port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
