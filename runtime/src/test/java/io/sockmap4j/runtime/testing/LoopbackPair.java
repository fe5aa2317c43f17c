package io.sockmap4j.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One TCP connection over 127.0.0.1: a listening channel, a client {@link Socket} (reads time out,
 * so no test hangs on a missing byte), and the server side's accepted channel.
 */
public final class LoopbackPair implements AutoCloseable {

  /** How long a client read waits before failing. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final ServerSocketChannel server;
  private final Socket client;
  private final SocketChannel accepted;

  private LoopbackPair(ServerSocketChannel server, Socket client, SocketChannel accepted) {
    this.server = server;
    this.client = client;
    this.accepted = accepted;
  }

  /** Opens a listener on an ephemeral loopback port and connects one client to it. */
  public static LoopbackPair open() {
    ServerSocketChannel server = null;
    Socket client = null;
    try {
      server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      client = new Socket();
      client.setSoTimeout((int) READ_TIMEOUT.toMillis());
      client.connect(server.getLocalAddress(), (int) READ_TIMEOUT.toMillis());
      SocketChannel accepted = server.accept();
      return new LoopbackPair(server, client, accepted);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(server);
      throw new UncheckedIOException(e);
    }
  }

  /** The listening channel. */
  public ServerSocketChannel server() {
    return server;
  }

  /** The client side, with a read timeout of {@link #READ_TIMEOUT}. */
  public Socket client() {
    return client;
  }

  /** The server side of the connection (blocking mode). */
  public SocketChannel accepted() {
    return accepted;
  }

  /** Reads exactly {@code length} bytes from the client, failing on timeout or end of stream. */
  public byte[] readFromClient(int length) throws IOException {
    byte[] buffer = new byte[length];
    InputStream in = client.getInputStream();
    int filled = 0;
    while (filled < length) {
      int n = in.read(buffer, filled, length - filled);
      if (n < 0) {
        throw new IOException("end of stream after " + filled + " of " + length + " bytes");
      }
      filled += n;
    }
    return buffer;
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(accepted);
    closeQuietly(server);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing a socket twice or after a reset is not a test failure.
    }
  }
}
