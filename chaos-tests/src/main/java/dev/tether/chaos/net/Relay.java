package dev.tether.chaos.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay for one directed edge and one port: accepts on {@code listen}, connects each
 * connection to {@code target}, and moves bytes as its {@link Link} says (pass with a delay, hold,
 * or reset). Bytes are never dropped from a stream (that would corrupt HTTP/2); loss is emulated as
 * retransmission delay. A held or delayed stream applies back-pressure: at most {@link
 * #CHUNKS_QUEUED_MAX} chunks wait per direction.
 */
final class Relay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

  /** Chunks queued per direction of a connection before the reader stops reading. */
  static final int CHUNKS_QUEUED_MAX = 256;

  /** Largest chunk read at once, bytes. */
  static final int CHUNK_BYTES_MAX = 16 << 10;

  /** Connect timeout to the target, ms. */
  static final int CONNECT_TIMEOUT_MS = 2_000;

  private final InetSocketAddress target;
  private final Link link;
  private final ServerSocket server;
  private final AtomicBoolean closed = new AtomicBoolean();

  Relay(InetSocketAddress listen, InetSocketAddress target, Link link) throws IOException {
    this.target = target;
    this.link = link;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(listen, 128);
    Thread t = new Thread(this::acceptLoop, "relay-" + link.name() + "-" + listen.getPort());
    t.setDaemon(true);
    t.start();
  }

  /** Where the relay listens. */
  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.warn("relay {}: accept failed: {}", link.name(), e.toString());
        }
        return;
      }
      if (link.mode() == Link.Mode.DROP) {
        resetQuietly(client);
        continue;
      }
      Thread t = new Thread(() -> open(client), "relay-" + link.name() + "-open");
      t.setDaemon(true);
      t.start();
    }
  }

  private void open(Socket client) {
    Socket upstream = new Socket();
    try {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(target, CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      resetQuietly(client);
      closeQuietly(upstream);
      return;
    }
    Connection c = new Connection(client, upstream);
    link.opened(c);
    c.start();
  }

  /** One relayed connection: two directions, each a reader and a writer thread. */
  final class Connection {
    private final Socket a;
    private final Socket b;
    private final AtomicBoolean done = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger ended =
        new java.util.concurrent.atomic.AtomicInteger();

    Connection(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    void start() {
      direction(a, b, "up");
      direction(b, a, "down");
    }

    private void direction(Socket from, Socket to, String label) {
      BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(CHUNKS_QUEUED_MAX);
      Thread reader =
          new Thread(() -> read(from, queue), "relay-" + link.name() + "-" + label + "-r");
      Thread writer =
          new Thread(() -> write(to, queue), "relay-" + link.name() + "-" + label + "-w");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    private void read(Socket from, BlockingQueue<Chunk> queue) {
      byte[] buf = new byte[CHUNK_BYTES_MAX];
      long lastDue = 0;
      try {
        InputStream in = from.getInputStream();
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            queue.put(Chunk.EOF);
            return;
          }
          long due = Math.max(lastDue, System.nanoTime() + link.chunkDelayMs() * 1_000_000L);
          lastDue = due;
          queue.put(new Chunk(Arrays.copyOf(buf, n), due));
        }
      } catch (IOException e) {
        reset();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reset();
      }
    }

    private void write(Socket to, BlockingQueue<Chunk> queue) {
      try {
        OutputStream out = to.getOutputStream();
        while (!done.get()) {
          Chunk c = queue.poll(1, TimeUnit.SECONDS);
          if (c == null) {
            continue;
          }
          if (c == Chunk.EOF) {
            to.shutdownOutput();
            if (ended.incrementAndGet() == 2 && done.compareAndSet(false, true)) {
              closeQuietly(a);
              closeQuietly(b);
              link.closed(this);
            }
            return;
          }
          if (!link.awaitForwarding()) {
            reset();
            return;
          }
          long wait = c.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          out.write(c.bytes());
          out.flush();
        }
      } catch (IOException e) {
        reset();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reset();
      }
    }

    /** Closes both sides with a reset (as a dropped link would look after a timeout). */
    void reset() {
      if (done.compareAndSet(false, true)) {
        resetQuietly(a);
        resetQuietly(b);
        link.closed(this);
      }
    }
  }

  private record Chunk(byte[] bytes, long dueNanos) {
    static final Chunk EOF = new Chunk(new byte[0], 0);
  }

  static void resetQuietly(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(s);
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing is best effort
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        server.close();
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
