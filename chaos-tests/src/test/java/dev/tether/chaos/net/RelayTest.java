package dev.tether.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay moves bytes both ways and does to a link exactly what its mode says: pass (after a
 * delay), hold everything until healed, or reset.
 */
class RelayTest {
  private ServerSocket echo;
  private Relay relay;
  private Link link;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread e =
                      new Thread(
                          () -> {
                            try (s) {
                              s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException ignored) {
                              // peer gone
                            }
                          });
                  e.setDaemon(true);
                  e.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    link = new Link("a-b", 1);
    relay =
        new Relay(
            new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
            new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), echo.getLocalPort()),
            link);
  }

  @AfterEach
  void stop() throws IOException {
    relay.close();
    echo.close();
    for (Socket s : sockets) {
      s.close();
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(relay.address(), 2_000);
    s.setSoTimeout(1_000);
    sockets.add(s);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes());
    out.flush();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[text.length()];
    int n = 0;
    while (n < buf.length) {
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        throw new IOException("closed");
      }
      n += r;
    }
    return new String(buf);
  }

  @Test
  void passesBytesBothWaysOnManyConnections() throws IOException {
    for (int i = 0; i < 20; i++) {
      assertThat(roundTrip(connect(), "hello " + i)).isEqualTo("hello " + i);
    }
  }

  @Test
  void aStallHoldsBytesOfOldAndNewConnectionsUntilHealed() throws IOException {
    Socket old = connect();
    assertThat(roundTrip(old, "before")).isEqualTo("before");
    link.mode(Link.Mode.STALL);
    assertThatThrownBy(() -> roundTrip(old, "held")).isInstanceOf(SocketTimeoutException.class);
    Socket fresh = connect();
    assertThatThrownBy(() -> roundTrip(fresh, "new")).isInstanceOf(SocketTimeoutException.class);
    link.heal();
    // The held bytes arrive after the heal, in order.
    byte[] buf = new byte[4];
    fresh.getInputStream().readNBytes(buf, 0, 3);
    assertThat(new String(buf, 0, 3)).isEqualTo("new");
    assertThat(roundTrip(connect(), "after")).isEqualTo("after");
  }

  @Test
  void aDelayDelaysEveryChunk() throws IOException {
    link.delay(150, 0);
    Socket s = connect();
    long start = System.nanoTime();
    assertThat(roundTrip(s, "slow")).isEqualTo("slow");
    // Both directions pass the relay: two delays.
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(290);
  }

  @Test
  void aDropResetsConnectionsAndRefusesNewOnes() throws IOException {
    Socket old = connect();
    assertThat(roundTrip(old, "x")).isEqualTo("x");
    link.mode(Link.Mode.DROP);
    assertThatThrownBy(() -> roundTrip(old, "y")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> roundTrip(connect(), "z")).isInstanceOf(IOException.class);
    link.heal();
    assertThat(roundTrip(connect(), "ok")).isEqualTo("ok");
  }
}
