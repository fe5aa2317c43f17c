package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop request/response: each connection sends a message of {@code size} bytes, waits until
 * the backend has echoed all of it, checks it, and sends the next. Connections are spread over a
 * few client threads, each with its own selector, so a thousand connections need no thousand
 * threads. A transaction's latency runs from its first write to its last byte back.
 *
 * <p>Each message carries its transaction number in its first 8 bytes and the pattern after it; the
 * stamp is always checked, the whole message only when verifying (a full compare of large messages
 * would cost the client as much as the path it measures).
 *
 * <p>When the window ends no new transaction starts, and each connection's last one is finished
 * before the connection is closed: a client that closes with an answer still on its way resets the
 * connection, and a proxy then tears the pair down while the next topology is being measured (the
 * kernel proxy's end-of-stream drain polled such pairs for seconds, and its garbage gave later runs
 * half-second GC pauses). An answer that does not come within {@link #FINISH_MILLIS} of the
 * window's end is an error.
 */
final class RequestResponse {
  /** How long after the window the answers still in flight may take. */
  static final long FINISH_MILLIS = 5_000;

  private RequestResponse() {}

  static Measurement run(
      Topology topology, int size, int connections, int threads, Timing timing, boolean verify)
      throws Exception {
    if (size < Long.BYTES) {
      throw new IllegalArgumentException("request/response messages need at least 8 bytes");
    }
    List<Loop> loops = new ArrayList<>();
    for (int i = 0; i < Math.min(threads, connections); i++) {
      loops.add(new Loop(size, verify));
    }
    try {
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = topology.connect();
        loops.get(i % loops.size()).add(channel);
      }
      long problemsBefore = topology.problems();
      Window window = Window.after(timing.warmupMillis(), timing.measureMillis());
      List<Thread> running = new ArrayList<>();
      for (Loop loop : loops) {
        Thread thread = new Thread(() -> loop.run(window), "bench-rr-client");
        thread.start();
        running.add(thread);
      }
      Window.sleepUntil(window.start());
      CpuMeter.Reading from = CpuMeter.read(topology.threadPrefix());
      Window.sleepUntil(window.end());
      CpuMeter.Reading to = CpuMeter.read(topology.threadPrefix());
      for (Thread thread : running) {
        thread.join();
      }
      Histogram latency = new Histogram(3);
      long transactions = 0;
      long errors = topology.problems() - problemsBefore;
      for (Loop loop : loops) {
        latency.add(loop.latency);
        transactions += loop.transactions;
        errors += loop.errors + loop.unanswered;
      }
      return Measurement.counted(transactions, latency, window, from, to, errors);
    } finally {
      for (Loop loop : loops) {
        loop.close();
      }
    }
  }

  /** One connection's transaction in flight. */
  private static final class Connection {
    final SocketChannel channel;
    final ByteBuffer request;
    final ByteBuffer response;
    SelectionKey key;
    long number;
    long started;

    Connection(SocketChannel channel, ByteBuffer pattern) {
      this.channel = channel;
      this.request = pattern.duplicate();
      this.response = ByteBuffer.allocateDirect(pattern.capacity());
    }
  }

  /** One client thread: its selector, connections and results. */
  private static final class Loop {
    final Selector selector;
    final ByteBuffer pattern;
    final boolean verify;
    final List<Connection> connections = new ArrayList<>();
    final Histogram latency = new Histogram(3);
    long transactions;
    long errors;

    /** Connections whose transaction was still unanswered {@link #FINISH_MILLIS} after the end. */
    long unanswered;

    /** Connections with a transaction in flight (after the window: still to finish). */
    private int inFlight;

    Loop(int size, boolean verify) throws IOException {
      this.selector = Selector.open();
      this.pattern = Wire.pattern(size);
      this.verify = verify;
    }

    void add(SocketChannel channel) throws IOException {
      channel.write(ByteBuffer.wrap(new byte[] {Wire.ECHO}));
      channel.configureBlocking(false);
      // each connection stamps its own copy of the pattern
      ByteBuffer own = ByteBuffer.allocateDirect(pattern.capacity());
      own.put(pattern.duplicate().clear()).clear();
      Connection c = new Connection(channel, own);
      c.key = channel.register(selector, SelectionKey.OP_READ, c);
      connections.add(c);
    }

    void run(Window window) {
      try {
        for (Connection c : connections) {
          begin(c);
          inFlight++;
        }
        while (!window.over()) {
          step(window);
        }
        long finish = window.end() + FINISH_MILLIS * 1_000_000;
        while (inFlight > 0 && System.nanoTime() < finish) {
          step(window);
        }
        unanswered = inFlight;
      } catch (IOException | RuntimeException e) {
        errors++;
      }
    }

    private void step(Window window) throws IOException {
      selector.select(10);
      for (SelectionKey key : selector.selectedKeys()) {
        Connection c = (Connection) key.attachment();
        try {
          progress(c, window);
        } catch (IOException e) {
          errors++;
          inFlight--;
          key.cancel();
        }
      }
      selector.selectedKeys().clear();
    }

    private void begin(Connection c) throws IOException {
      c.number++;
      c.request.clear();
      c.request.putLong(0, c.number);
      c.response.clear();
      c.started = System.nanoTime();
      c.channel.write(c.request);
      interest(c);
    }

    private void progress(Connection c, Window window) throws IOException {
      if (c.request.hasRemaining()) {
        c.channel.write(c.request);
      }
      if (c.channel.read(c.response) < 0) {
        throw new IOException("end of stream");
      }
      if (c.response.hasRemaining() || c.request.hasRemaining()) {
        interest(c);
        return;
      }
      long now = System.nanoTime();
      if (now >= window.start() && now < window.end()) {
        transactions++;
        if (c.started >= window.start()) {
          latency.recordValue(now - c.started);
        }
      }
      if (!exact(c)) {
        errors++;
      }
      if (window.over()) {
        inFlight--; // answered: the connection can close cleanly
        c.key.interestOps(0);
        return;
      }
      begin(c);
    }

    private boolean exact(Connection c) {
      if (c.response.getLong(0) != c.number) {
        return false;
      }
      return !verify || c.response.clear().equals(c.request.clear());
    }

    private static void interest(Connection c) {
      int ops = SelectionKey.OP_READ | (c.request.hasRemaining() ? SelectionKey.OP_WRITE : 0);
      if (c.key.interestOps() != ops) {
        c.key.interestOps(ops);
      }
    }

    void close() {
      for (Connection c : connections) {
        SelectorThread.closeQuietly(c.channel);
      }
      SelectorThread.closeQuietly(selector);
    }
  }
}
