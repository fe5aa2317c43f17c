package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server behind every topology: non-blocking Java NIO, one event loop per core, a direct buffer
 * per connection from the loop's {@link BufferPool}. Each connection's first byte picks its mode
 * ({@link Wire#ECHO} or {@link Wire#SINK}). The same backend serves every topology, so differences
 * between topologies are the path's, not the server's.
 */
final class EchoBackend implements AutoCloseable {

  private final List<SelectorThread<SocketChannel>> loops = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final LongAdder sunk = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final boolean verify;
  private final AcceptThread acceptor;

  /**
   * Starts {@code threads} event loops and a listener on 127.0.0.1.
   *
   * @param verify check every sunk byte against the pattern (costs CPU; for tests)
   */
  EchoBackend(int threads, boolean verify) throws IOException {
    this.verify = verify;
    for (int i = 0; i < threads; i++) {
      loops.add(new SelectorThread<>("bench-backend-" + i, new Connections()));
    }
    acceptor = new AcceptThread("bench-backend-accept", this::adopt);
  }

  InetSocketAddress address() throws IOException {
    return acceptor.address();
  }

  /**
   * Serves {@code connection}, accepted elsewhere (the local-pair topologies accept themselves).
   */
  void adopt(SocketChannel connection) throws IOException {
    connection.configureBlocking(false);
    connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
    loops.get(Math.floorMod(next.getAndIncrement(), loops.size())).adopt(connection);
  }

  /** Bytes received by sink connections so far. */
  long sunkBytes() {
    return sunk.sum();
  }

  /** Sunk bytes that broke the pattern (counted only when verifying). */
  long mismatches() {
    return mismatches.sum();
  }

  @Override
  public void close() {
    acceptor.close();
    loops.forEach(SelectorThread::close);
  }

  /** One connection's state: its buffer, mode, and for sinks the stream offset. */
  private static final class Connection {
    final ByteBuffer buffer;
    byte mode;
    boolean writing;
    long offset;

    Connection(ByteBuffer buffer) {
      this.buffer = buffer;
    }
  }

  /** One loop's connections; used by that loop's thread only. */
  private final class Connections implements SelectorThread.Handler<SocketChannel> {
    private final BufferPool buffers = new BufferPool();

    @Override
    public void adopt(SocketChannel channel, Selector selector) throws IOException {
      channel.register(selector, SelectionKey.OP_READ, new Connection(buffers.take()));
    }

    @Override
    public void discard(SocketChannel channel) {
      SelectorThread.closeQuietly(channel);
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
      SocketChannel channel = (SocketChannel) key.channel();
      Connection c = (Connection) key.attachment();
      if (c.writing) {
        channel.write(c.buffer);
        if (c.buffer.hasRemaining()) {
          return;
        }
        c.buffer.clear();
        c.writing = false;
        key.interestOps(SelectionKey.OP_READ);
      }
      int n = channel.read(c.buffer);
      if (n < 0) {
        key.cancel();
        channel.close();
        buffers.give(c.buffer);
        return;
      }
      if (n == 0) {
        return;
      }
      c.buffer.flip();
      if (c.mode == 0) {
        c.mode = c.buffer.get();
      }
      if (c.mode == Wire.SINK) {
        sunk.add(c.buffer.remaining());
        if (verify) {
          mismatches.add(Wire.mismatches(c.buffer, c.offset));
        }
        c.offset += c.buffer.remaining();
        c.buffer.clear();
        return;
      }
      channel.write(c.buffer);
      if (c.buffer.hasRemaining()) {
        c.writing = true;
        key.interestOps(SelectionKey.OP_WRITE);
      } else {
        c.buffer.clear();
      }
    }
  }
}
