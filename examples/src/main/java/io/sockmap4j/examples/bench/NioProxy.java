package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java baseline: a TCP proxy written the way a careful Java developer would write one, so that
 * the comparison is with a strong opponent. One event loop per core; each accepted connection gets
 * a backend connection on the same loop (no cross-thread hand-off per message); one direct buffer
 * per direction, allocated once per connection, so a message costs a {@code read} and a {@code
 * write} and no allocation; non-blocking throughout, with back-pressure (a side whose buffer cannot
 * be written out stops being read until the other side drains); TCP_NODELAY on both sockets;
 * end-of-stream forwarded with {@code shutdownOutput}.
 */
final class NioProxy implements AutoCloseable {
  /** Per-direction buffer: large enough for bulk streaming, one allocation per connection. */

  /** Thread name prefix, for counting the proxy's CPU time. */
  static final String THREADS = "bench-nio-proxy";

  private final List<SelectorThread<Side>> loops = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AcceptThread acceptor;

  NioProxy(int threads, InetSocketAddress backend) throws IOException {
    for (int i = 0; i < threads; i++) {
      loops.add(new SelectorThread<>(THREADS + "-" + i, new Pairs()));
    }
    acceptor =
        new AcceptThread(
            THREADS + "-accept",
            client -> {
              SocketChannel server = SocketChannel.open(StandardProtocolFamily.INET);
              try {
                server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                server.connect(backend);
                client.configureBlocking(false);
                server.configureBlocking(false);
              } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
              }
              Side clientSide = new Side(client);
              Side serverSide = new Side(server);
              clientSide.peer = serverSide;
              serverSide.peer = clientSide;
              loops.get(Math.floorMod(next.getAndIncrement(), loops.size())).adopt(clientSide);
            });
  }

  InetSocketAddress address() throws IOException {
    return acceptor.address();
  }

  @Override
  public void close() {
    acceptor.close();
    loops.forEach(SelectorThread::close);
  }

  /**
   * One socket of a pair, and the bytes read from it that still have to be written to its peer.
   * While {@code pending}, the buffer is flipped (ready to be written) and this side is not read.
   */
  private static final class Side {
    final SocketChannel channel;
    ByteBuffer buffer; // from its loop's pool, set when the loop adopts the pair
    Side peer;
    SelectionKey key;
    boolean pending;
    boolean ended;

    Side(SocketChannel channel) {
      this.channel = channel;
    }

    /** Reads what it can and writes it to the peer at once; keeps the rest pending. */
    void read() throws IOException {
      int n = channel.read(buffer);
      if (n < 0) {
        ended = true;
        if (!pending) {
          peer.channel.shutdownOutput();
        }
        return;
      }
      if (n > 0) {
        buffer.flip();
        pending = true;
        flush();
      }
    }

    /** Writes pending bytes to the peer; forwards end-of-stream once everything is out. */
    void flush() throws IOException {
      peer.channel.write(buffer);
      if (buffer.hasRemaining()) {
        return;
      }
      buffer.clear();
      pending = false;
      if (ended) {
        peer.channel.shutdownOutput();
      }
    }

    /** Read while there is room and no end yet; write while the peer has bytes for this socket. */
    void updateInterest() {
      int ops =
          (ended || pending ? 0 : SelectionKey.OP_READ)
              | (peer.pending ? SelectionKey.OP_WRITE : 0);
      if (key.interestOps() != ops) {
        key.interestOps(ops);
      }
    }

    void closePair() {
      key.cancel();
      peer.key.cancel();
      SelectorThread.closeQuietly(channel);
      SelectorThread.closeQuietly(peer.channel);
    }
  }

  /** One loop's pairs; used by that loop's thread only. */
  private static final class Pairs implements SelectorThread.Handler<Side> {
    private final BufferPool buffers = new BufferPool();

    private void close(Side side) {
      side.closePair();
      for (Side s : List.of(side, side.peer)) {
        if (s.buffer != null) {
          buffers.give(s.buffer);
        }
        s.buffer = null; // never handed out twice
      }
    }

    @Override
    public void adopt(Side client, Selector selector) throws IOException {
      client.buffer = buffers.take();
      client.peer.buffer = buffers.take();
      client.key = client.channel.register(selector, SelectionKey.OP_READ, client);
      client.peer.key = client.peer.channel.register(selector, SelectionKey.OP_READ, client.peer);
    }

    @Override
    public void discard(Side client) {
      SelectorThread.closeQuietly(client.channel);
      SelectorThread.closeQuietly(client.peer.channel);
    }

    @Override
    public void ready(SelectionKey key) {
      Side side = (Side) key.attachment();
      try {
        if (key.isWritable()) {
          side.peer.flush();
        }
        if (key.isReadable()) {
          side.read();
        }
        if (side.ended && side.peer.ended && !side.pending && !side.peer.pending) {
          close(side);
          return;
        }
        side.updateInterest();
        side.peer.updateInterest();
      } catch (IOException | RuntimeException e) {
        close(side);
      }
    }
  }
}
