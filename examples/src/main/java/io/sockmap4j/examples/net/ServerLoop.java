package io.sockmap4j.examples.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user-space half of a kernel-spliced server: one thread that accepts connections, hands each
 * to an {@link Acceptor} (which puts the sockets into maps), and then only watches the sockets for
 * end-of-stream, to close them. The data itself never comes up to Java; any byte that does (because
 * a program passed it to the socket) is counted in {@link #bytesReadByJava()}.
 */
public final class ServerLoop implements AutoCloseable {
  /** Called on the loop thread for every accepted connection. */
  public interface Acceptor {
    void accepted(SocketChannel connection, ServerLoop loop) throws IOException;
  }

  private final ServerSocketChannel server;
  private final Selector selector;
  private final Acceptor acceptor;
  private final Thread thread;
  private final AtomicLong bytesReadByJava = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);

  private ServerLoop(
      String name, ServerSocketChannel server, Selector selector, Acceptor acceptor) {
    this.server = server;
    this.selector = selector;
    this.acceptor = acceptor;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /** Listens on {@code bind} (use port 0 for any free port) and starts the loop thread. */
  public static ServerLoop start(String name, InetSocketAddress bind, Acceptor acceptor)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    Selector selector = Selector.open();
    try {
      server.bind(bind, 512);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      server.close();
      selector.close();
      throw e;
    }
    ServerLoop loop = new ServerLoop(name, server, selector, acceptor);
    loop.thread.start();
    return loop;
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Closes {@code onEnd} when {@code connection} reaches end-of-stream or fails. Call it from
   * {@link Acceptor#accepted}.
   */
  public void watchForEnd(SocketChannel connection, Closeable onEnd) throws IOException {
    connection.configureBlocking(false);
    connection.register(selector, SelectionKey.OP_READ, onEnd);
  }

  /** Payload bytes that reached Java instead of being handled in the kernel. */
  public long bytesReadByJava() {
    return bytesReadByJava.get();
  }

  /** Connections accepted so far. */
  public long acceptedConnections() {
    return accepted.get();
  }

  private void run() {
    try {
      while (selector.isOpen()) {
        selector.select();
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
          } else if (key.isReadable()) {
            drain(key);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (ClosedSelectorException e) {
      // closed by close()
    } catch (IOException e) {
      System.err.println(thread.getName() + ": " + e);
    }
  }

  private void accept() throws IOException {
    SocketChannel connection;
    while ((connection = server.accept()) != null) {
      accepted.incrementAndGet();
      try {
        acceptor.accepted(connection, this);
      } catch (IOException | RuntimeException e) {
        System.err.println(thread.getName() + ": dropping a connection: " + e);
        connection.close();
      }
    }
  }

  private void drain(SelectionKey key) {
    SocketChannel connection = (SocketChannel) key.channel();
    int n;
    try {
      scratch.clear();
      n = connection.read(scratch);
    } catch (IOException e) {
      n = -1;
    }
    if (n > 0) {
      bytesReadByJava.addAndGet(n);
      return;
    }
    if (n < 0) {
      key.cancel();
      try {
        ((Closeable) key.attachment()).close();
      } catch (IOException e) {
        System.err.println(thread.getName() + ": " + e);
      }
    }
  }

  /** Stops the loop and closes the listening socket and every watched connection. */
  @Override
  public void close() {
    try {
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
      selector.close();
      server.close();
      thread.join(5_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
