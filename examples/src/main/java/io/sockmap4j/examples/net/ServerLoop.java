package io.sockmap4j.examples.net;

import io.sockmap4j.runtime.EndWatcher;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user-space half of a kernel-spliced server: one thread that accepts connections and hands
 * each to an {@link Acceptor} (which puts the sockets into maps), and an {@link EndWatcher} that
 * then only watches the sockets for their end, to close them. The data never comes up to Java and
 * nothing reads a watched socket; bytes a program passed to a socket instead of splicing them are
 * counted in {@link #unsplicedBytes()} when the socket ends.
 *
 * <p>The ends are not watched with the accept {@link Selector}: an {@code OP_READ} registration
 * wakes its thread once per message the kernel splices through a verdict-only sockmap (see {@link
 * EndWatcher}).
 */
public final class ServerLoop implements AutoCloseable {
  /** Called on the loop thread for every accepted connection. */
  public interface Acceptor {
    void accepted(SocketChannel connection, ServerLoop loop) throws IOException;
  }

  /**
   * Connections the kernel queues before the loop accepts them: the kernel's own default limit
   * ({@code net.core.somaxconn}, 4096 since Linux 5.4; the kernel caps it there). A burst of a
   * thousand clients overflowed 512, and each dropped SYN costs its client a 1 s retransmit.
   */
  private static final int BACKLOG = 4096;

  private final ServerSocketChannel server;
  private final Selector selector;
  private final Acceptor acceptor;
  private final Thread thread;
  private final EndWatcher ends;
  private final Set<SocketChannel> watched = ConcurrentHashMap.newKeySet();
  private final AtomicLong unsplicedBytes = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();

  private ServerLoop(
      String name, ServerSocketChannel server, Selector selector, Acceptor acceptor) {
    this.server = server;
    this.selector = selector;
    this.acceptor = acceptor;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.ends = EndWatcher.start(name + "-ends");
  }

  /** Listens on {@code bind} (use port 0 for any free port) and starts the loop thread. */
  public static ServerLoop start(String name, InetSocketAddress bind, Acceptor acceptor)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    Selector selector = Selector.open();
    try {
      server.bind(bind, BACKLOG);
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
   * Closes {@code onEnd} when {@code connection} reaches end-of-stream or fails (on the watcher's
   * thread). Call it from {@link Acceptor#accepted}.
   */
  public void watchForEnd(SocketChannel connection, Closeable onEnd) {
    watched.add(connection);
    ends.watch(connection, () -> ended(connection, onEnd));
  }

  /**
   * Payload bytes that were left in a watched socket's own receive queue when it ended: bytes a
   * program passed to the socket instead of splicing them. Zero when the kernel handled all.
   */
  public long unsplicedBytes() {
    return unsplicedBytes.get();
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

  private void ended(SocketChannel connection, Closeable onEnd) {
    watched.remove(connection);
    unsplicedBytes.addAndGet(queuedBytes(connection));
    try {
      onEnd.close();
    } catch (IOException e) {
      System.err.println(thread.getName() + ": " + e);
    }
  }

  /** Bytes waiting in the socket's own receive queue ({@code FIONREAD}), which Java would read. */
  private static int queuedBytes(SocketChannel connection) {
    try {
      return connection.socket().getInputStream().available();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Stops the loop and closes the listening socket and every watched connection. */
  @Override
  public void close() {
    try {
      selector.close();
      ends.close();
      for (SocketChannel connection : List.copyOf(watched)) {
        connection.close();
      }
      server.close();
      thread.join(5_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
