package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.JdkSocketFds;
import io.sockmap4j.runtime.internal.SocketOptions;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * File descriptors, cookies and the data-ready "kick" of sockets.
 *
 * <p>The JDK keeps socket file descriptors private. Reading them needs these JVM flags (a {@link
 * SocketAccessException} names the missing one):
 *
 * <ul>
 *   <li>NIO channels: {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}
 *   <li>{@link Socket} and {@link ServerSocket} created without a channel: {@code --add-opens
 *       java.base/java.net=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED}
 * </ul>
 *
 * Frameworks that expose the int fd (Netty's epoll transport) need no flag: use the {@code int}
 * overloads.
 */
public final class Sockets {

  private Sockets() {}

  /** The file descriptor of an open socket channel. */
  public static int fd(SocketChannel channel) {
    return JdkSocketFds.of(channel);
  }

  /** The file descriptor of an open server socket channel. */
  public static int fd(ServerSocketChannel channel) {
    return JdkSocketFds.of(channel);
  }

  /** The file descriptor of a connected or bound socket. */
  public static int fd(Socket socket) {
    return JdkSocketFds.of(socket);
  }

  /** The file descriptor of a bound server socket. */
  public static int fd(ServerSocket socket) {
    return JdkSocketFds.of(socket);
  }

  /**
   * The socket's cookie ({@code SO_COOKIE}): a 64-bit id, unique for the kernel's uptime, that eBPF
   * programs read with {@code bpf_get_socket_cookie} and that a sockmap lookup returns.
   */
  public static long cookie(int fd) {
    return SocketOptions.cookie(fd);
  }

  /** The cookie of a socket channel. */
  public static long cookie(SocketChannel channel) {
    return cookie(fd(channel));
  }

  /** The cookie of a socket. */
  public static long cookie(Socket socket) {
    return cookie(fd(socket));
  }

  /**
   * Bytes written to the socket (by Java, or handed to it by a sockmap redirect) that its peer has
   * not yet acknowledged ({@code SIOCOUTQ}). A proxy that forwards end-of-stream waits for this to
   * reach zero before shutting the socket's output, so that FIN does not overtake spliced data.
   */
  public static int unsentBytes(int fd) {
    return SocketOptions.unsentBytes(fd);
  }

  /** Unacknowledged bytes of a socket channel; see {@link #unsentBytes(int)}. */
  public static int unsentBytes(SocketChannel channel) {
    return unsentBytes(fd(channel));
  }

  /**
   * Bytes this TCP socket sent that its peer has acknowledged ({@code tcpi_bytes_acked}).
   *
   * <p>With {@link #bytesReceived(int)} this tells when splicing is complete: every byte a spliced
   * socket receives leaves through its peer, so the direction from {@code a} to {@code b} has
   * drained when {@code bytesAcked(b) >= bytesReceived(a)}. A proxy waits for that before it
   * forwards {@code a}'s end-of-stream, so FIN never overtakes data still queued inside the kernel,
   * where no other counter can see it.
   */
  public static long bytesAcked(int fd) {
    return SocketOptions.bytesAcked(fd);
  }

  /** Payload bytes this TCP socket has received ({@code tcpi_bytes_received}). */
  public static long bytesReceived(int fd) {
    return SocketOptions.bytesReceived(fd);
  }

  /**
   * Whether the peer has ended the connection: its TCP state is CLOSE_WAIT, CLOSING, LAST_ACK,
   * TIME_WAIT or CLOSE (read from {@code TCP_INFO}).
   *
   * <p>Use this, not {@code read()}, to notice the end of a spliced connection: reading a socket
   * that is in a sockmap makes the kernel run the socket's data path from the reader's context, and
   * on Linux 6.18 that was seen to reorder spliced bytes under load (about one run in fifteen of 50
   * connections carrying 10 MiB each way; none in sixty runs without the reads).
   */
  public static boolean peerClosed(int fd) {
    return SocketOptions.peerClosed(fd);
  }

  /**
   * Whether the peer of a socket channel has ended the connection; see {@link #peerClosed(int)}.
   */
  public static boolean peerClosed(SocketChannel channel) {
    return peerClosed(fd(channel));
  }

  /**
   * Makes the kernel run the socket's data-ready callback now, so that bytes which arrived before
   * the socket was put into a map go through the map's programs.
   *
   * <p>The kernel runs a socket's sockmap programs when data arrives; bytes already queued when the
   * socket joins the map wait for the next arrival, which in a request/response protocol may never
   * come. Writing {@code SO_RCVLOWAT} makes TCP call {@code tcp_data_ready()}, which invokes the
   * psock's callback when at least {@code SO_RCVLOWAT} bytes are queued; the kick sets it to 1 and
   * then restores the socket's own value. The socket handles call this after every insert. It is
   * harmless on sockets without queued bytes and has no effect on non-TCP sockets.
   */
  public static void kick(int fd) {
    SocketOptions.rerunDataReady(fd);
  }
}
