package io.sockmap4j.examples.balancer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A loopback backend for tests: accepts one connection and records every byte it receives, in
 * order, on its own thread.
 */
final class RecordingBackend implements AutoCloseable {
  private final ServerSocketChannel listener;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final Thread thread;
  private volatile SocketChannel connection;

  RecordingBackend() throws IOException {
    listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    thread = new Thread(this::run, "recording-backend");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) listener.getLocalAddress();
  }

  private void run() {
    try (SocketChannel accepted = listener.accept()) {
      connection = accepted;
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (accepted.read(buffer.clear()) >= 0) {
        synchronized (received) {
          received.write(buffer.array(), 0, buffer.position());
        }
      }
    } catch (IOException e) {
      // closed by the test
    }
  }

  /** Everything received so far. */
  byte[] received() {
    synchronized (received) {
      return received.toByteArray();
    }
  }

  int receivedCount() {
    synchronized (received) {
      return received.size();
    }
  }

  /** Ends the balancer's connection, as a backend that goes away would. */
  void disconnect() throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (connection == null && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    connection.close();
  }

  @Override
  public void close() throws Exception {
    listener.close();
    SocketChannel c = connection;
    if (c != null) {
      c.close();
    }
    thread.join(5_000);
  }
}
