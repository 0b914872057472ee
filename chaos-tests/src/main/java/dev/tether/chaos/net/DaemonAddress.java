package dev.tether.chaos.net;

/**
 * Where one daemon listens.
 *
 * @param id the daemon id ({@code d1}, {@code d2}, ...)
 * @param host the host daemons use in their config (an IP, or a name each process resolves its own
 *     way in relay mode)
 * @param clientHost the host the harness's clients connect to
 */
public record DaemonAddress(String id, String host, String clientHost) {
  public static final int RAFT_PORT = 7000;
  public static final int API_PORT = 7001;
  public static final int HTTP_PORT = 7002;

  public String raft() {
    return host + ":" + RAFT_PORT;
  }

  public String api() {
    return host + ":" + API_PORT;
  }

  public String http() {
    return host + ":" + HTTP_PORT;
  }

  /** The API address the harness's clients use. */
  public String clientApi() {
    return clientHost + ":" + API_PORT;
  }
}
