package io.sockmap4j.examples.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A backend that accepts one connection (the router's) and records every byte it receives, in
 * order, until closed.
 */
final class RecordingBackend implements AutoCloseable {
  private final ServerSocket server;
  private final Thread reader;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private volatile Socket connection;

  RecordingBackend() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    reader = new Thread(this::record, "recording-backend");
    reader.setDaemon(true);
    reader.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void record() {
    try (Socket s = server.accept()) {
      connection = s;
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (received) {
          received.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** Everything received so far. */
  byte[] received() {
    synchronized (received) {
      return received.toByteArray();
    }
  }

  /** Waits up to {@code millis} until at least {@code bytes} have arrived; returns all received. */
  byte[] await(long bytes, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      synchronized (received) {
        if (received.size() >= bytes) {
          break;
        }
      }
      Thread.sleep(5);
    }
    return received();
  }

  /** Cuts a received stream into frames (header included); a partial frame at the end fails. */
  static List<byte[]> frames(byte[] stream) {
    List<byte[]> frames = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(stream);
    while (in.hasRemaining()) {
      int length = Router.HEADER + in.getInt(in.position());
      if (length > in.remaining()) {
        throw new AssertionError(
            "a partial frame at byte " + in.position() + ": " + in.remaining() + " of " + length);
      }
      frames.add(Arrays.copyOfRange(stream, in.position(), in.position() + length));
      in.position(in.position() + length);
    }
    return frames;
  }

  @Override
  public void close() throws IOException {
    server.close();
    Socket s = connection;
    if (s != null) {
      s.close();
    }
  }
}
