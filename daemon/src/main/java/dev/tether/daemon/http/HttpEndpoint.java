package dev.tether.daemon.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tether.daemon.config.HostPort;
import dev.tether.daemon.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The daemon's HTTP port: {@code /metrics} (Prometheus text), {@code /healthz} (the process serves)
 * and {@code /readyz} (this daemon can serve authoritative answers: every group it hosts knows a
 * leader it heard from recently). The JDK's HTTP server is enough for three paths.
 */
public final class HttpEndpoint implements AutoCloseable {
  /** Worker threads of the HTTP port. */
  static final int THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;

  /** Readiness: null when ready, otherwise the reason it is not. */
  public HttpEndpoint(HostPort address, Metrics metrics, Supplier<String> notReadyReason)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(address.host(), address.port()), 64);
    executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "tether-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        ex -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          metrics.write(body);
          send(ex, 200, Metrics.contentType(), body.toByteArray());
        });
    server.createContext(
        "/healthz", ex -> send(ex, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8)));
    server.createContext(
        "/readyz",
        ex -> {
          String reason = notReadyReason.get();
          if (reason == null) {
            send(ex, 200, "text/plain", "ready\n".getBytes(StandardCharsets.UTF_8));
          } else {
            send(
                ex,
                503,
                "text/plain",
                ("not ready: " + reason + "\n").getBytes(StandardCharsets.UTF_8));
          }
        });
    server.start();
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
