package io.sockmap4j.examples.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * One loopback TCP connection for the scenarios: a {@link #client()} socket (the side the scenarios
 * put into maps, and read from) and the server's {@link #accepted()} side (which sends).
 *
 * <p>{@link #open()} gives what {@code new Socket()} gives a Java program: an AF_INET6 dual-stack
 * socket connected to 127.0.0.1 through its IPv4-mapped address. {@link
 * #openSingleFamily(InetAddress)} opens sockets of the address's family only.
 */
final class TcpPair implements AutoCloseable {
  /** How long a read waits for bytes that should come. */
  static final int READ_TIMEOUT_MS = 5_000;

  /** How long a check waits for bytes that should not come. */
  static final int QUIET_MS = 300;

  private final ServerSocketChannel server;
  private final Socket client;
  private final SocketChannel accepted;

  private TcpPair(ServerSocketChannel server, Socket client, SocketChannel accepted) {
    this.server = server;
    this.client = client;
    this.accepted = accepted;
  }

  static TcpPair open() {
    return open(InetAddress.getLoopbackAddress());
  }

  static TcpPair open(InetAddress loopback) {
    try {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(loopback, 0));
      Socket client = new Socket();
      client.setSoTimeout(READ_TIMEOUT_MS);
      client.connect(server.getLocalAddress(), READ_TIMEOUT_MS);
      return new TcpPair(server, client, server.accept());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A connection over {@code loopback} between sockets of its family only. */
  static TcpPair openSingleFamily(InetAddress loopback) {
    ProtocolFamily family =
        loopback instanceof Inet6Address
            ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
    try {
      ServerSocketChannel server = ServerSocketChannel.open(family);
      server.bind(new InetSocketAddress(loopback, 0));
      SocketChannel channel = SocketChannel.open(family);
      channel.connect(server.getLocalAddress());
      Socket client = channel.socket();
      client.setSoTimeout(READ_TIMEOUT_MS);
      return new TcpPair(server, client, server.accept());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Socket client() {
    return client;
  }

  SocketChannel accepted() {
    return accepted;
  }

  /** Sends {@code bytes} from the accepted side to the client. */
  void sendToClient(byte[] bytes) throws IOException {
    accepted.socket().getOutputStream().write(bytes);
  }

  /** Sends {@code bytes} from the client to the accepted side. */
  void sendToServer(byte[] bytes) throws IOException {
    OutputStream out = client.getOutputStream();
    out.write(bytes);
  }

  /** Reads exactly {@code length} bytes on the client, failing after the read timeout. */
  byte[] readOnClient(int length) throws IOException {
    return readExactly(client.getInputStream(), length);
  }

  /** Reads exactly {@code length} bytes on the accepted side, with the read timeout. */
  byte[] readOnServer(int length) throws IOException {
    accepted.socket().setSoTimeout(READ_TIMEOUT_MS);
    return readExactly(accepted.socket().getInputStream(), length);
  }

  /** The client's FIONREAD ({@code available()} asks the kernel with {@code ioctl(FIONREAD)}). */
  int clientAvailable() throws IOException {
    return client.getInputStream().available();
  }

  /** Waits until the client's FIONREAD reaches {@code expected}; returns what it last saw. */
  int awaitClientAvailable(int expected) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READ_TIMEOUT_MS * 1_000_000L;
    int seen = clientAvailable();
    while (seen < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
      seen = clientAvailable();
    }
    return seen;
  }

  /** Whether nothing arrives on the client within {@link #QUIET_MS}. */
  boolean clientStaysQuiet() throws IOException {
    int timeout = client.getSoTimeout();
    client.setSoTimeout(QUIET_MS);
    try {
      int b = client.getInputStream().read();
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } finally {
      client.setSoTimeout(timeout);
    }
  }

  private static byte[] readExactly(InputStream in, int length) throws IOException {
    byte[] buffer = new byte[length];
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
    for (AutoCloseable c : new AutoCloseable[] {client, accepted, server}) {
      try {
        c.close();
      } catch (Exception e) {
        // a second close, or a reset: not a test failure
      }
    }
  }
}
