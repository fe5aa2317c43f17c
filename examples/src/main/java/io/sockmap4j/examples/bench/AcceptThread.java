package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A listening IPv4 socket on 127.0.0.1 and a thread that accepts from it (blocking). */
final class AcceptThread implements AutoCloseable {
  /** Called on the accept thread with each new connection (blocking, TCP_NODELAY set). */
  interface Accepted {
    void accepted(SocketChannel connection) throws IOException;
  }

  private final ServerSocketChannel listener;
  private final Thread thread;

  AcceptThread(String name, Accepted accepted) throws IOException {
    listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    listener.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
    thread =
        new Thread(
            () -> {
              while (listener.isOpen()) {
                SocketChannel connection;
                try {
                  connection = listener.accept();
                } catch (IOException e) {
                  return; // closed
                }
                try {
                  connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
                  accepted.accepted(connection);
                } catch (IOException | RuntimeException e) {
                  SelectorThread.closeQuietly(connection);
                }
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) listener.getLocalAddress();
  }

  @Override
  public void close() {
    SelectorThread.closeQuietly(listener);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
