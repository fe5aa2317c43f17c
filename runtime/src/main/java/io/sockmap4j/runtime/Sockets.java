package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.JdkSocketFds;
import io.sockmap4j.runtime.internal.NettyFds;
import io.sockmap4j.runtime.internal.SocketOptions;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.OptionalInt;

/**
 * File descriptors, cookies and the data-ready "kick" of sockets.
 *
 * <p>{@link #fd(Object)} accepts every socket object a Java program is likely to hold:
 *
 * <table>
 *   <caption>Socket objects and what reading their fd needs</caption>
 *   <tr><th>Object</th><th>JVM flags</th></tr>
 *   <tr><td>{@code SocketChannel}, {@code ServerSocketChannel}, {@code DatagramChannel}, of any
 *       family (TCP, UDP, UNIX-domain)</td>
 *       <td>{@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}</td></tr>
 *   <tr><td>{@link Socket}, {@link ServerSocket} (through their channel when they have one)</td>
 *       <td>{@code --add-opens java.base/java.net=ALL-UNNAMED --add-opens
 *       java.base/java.io=ALL-UNNAMED}</td></tr>
 *   <tr><td>{@link DatagramSocket}, {@code MulticastSocket}</td>
 *       <td>{@code --add-opens java.base/java.net=ALL-UNNAMED --add-opens
 *       java.base/sun.nio.ch=ALL-UNNAMED}</td></tr>
 *   <tr><td>Netty native channels ({@code io.netty.channel.unix.UnixChannel}: {@code
 *       EpollSocketChannel}, {@code EpollServerSocketChannel}, {@code EpollDatagramChannel},
 *       {@code EpollDomainSocketChannel}) and {@code io.netty.channel.unix.FileDescriptor}, read
 *       by reflection with no Netty dependency</td><td>none</td></tr>
 *   <tr><td>an {@code int} fd (pass it to the {@code int} overloads)</td><td>none</td></tr>
 * </table>
 *
 * <p>A {@link SocketAccessException} names the missing flag. The JDK cannot create AF_UNIX datagram
 * sockets; one made natively (JNA, JNI) goes into a map by its int fd.
 */
public final class Sockets {

  private static final String SUPPORTED =
      "SocketChannel, ServerSocketChannel, DatagramChannel (any family, including UNIX-domain),"
          + " Socket, ServerSocket, DatagramSocket, Netty's native channels"
          + " (io.netty.channel.unix.UnixChannel, for example EpollSocketChannel) and"
          + " io.netty.channel.unix.FileDescriptor";

  /**
   * Serializes kicks of the same fd, whose read-modify-restore of SO_RCVLOWAT must not interleave.
   */
  private static final Object[] KICK_LOCKS = new Object[64];

  static {
    for (int i = 0; i < KICK_LOCKS.length; i++) {
      KICK_LOCKS[i] = new Object();
    }
  }

  private Sockets() {}

  /**
   * The file descriptor of an open JDK socket channel: a {@code SocketChannel}, {@code
   * ServerSocketChannel} or {@code DatagramChannel}, of any protocol family.
   *
   * @throws IllegalArgumentException if the channel is closed or not a JDK channel
   * @throws SocketAccessException if {@code sun.nio.ch} is not opened to sockmap4j
   */
  public static int fd(NetworkChannel channel) {
    if (!(channel instanceof SelectableChannel)) {
      throw new IllegalArgumentException(
          channel.getClass().getName()
              + " is not a JDK socket channel: pass its int file descriptor instead");
    }
    return JdkSocketFds.of((SelectableChannel) channel);
  }

  /** The file descriptor of a connected or bound socket. */
  public static int fd(Socket socket) {
    return JdkSocketFds.of(socket);
  }

  /** The file descriptor of a bound server socket. */
  public static int fd(ServerSocket socket) {
    return JdkSocketFds.of(socket);
  }

  /** The file descriptor of a datagram (or multicast) socket. */
  public static int fd(DatagramSocket socket) {
    return JdkSocketFds.of(socket);
  }

  /**
   * The file descriptor of any supported socket object (see the class comment), including Netty's
   * native channels without a compile-time dependency on Netty.
   *
   * @throws IllegalArgumentException if {@code socket} is closed or of no supported kind; the
   *     message lists the supported kinds
   * @throws SocketAccessException if a JDK socket's fd needs an {@code --add-opens} flag
   */
  public static int fd(Object socket) {
    if (socket instanceof NetworkChannel) {
      return fd((NetworkChannel) socket);
    }
    if (socket instanceof Socket) {
      return fd((Socket) socket);
    }
    if (socket instanceof ServerSocket) {
      return fd((ServerSocket) socket);
    }
    if (socket instanceof DatagramSocket) {
      return fd((DatagramSocket) socket);
    }
    if (socket == null) {
      throw new NullPointerException("socket");
    }
    OptionalInt netty = NettyFds.of(socket);
    if (netty.isPresent()) {
      return netty.getAsInt();
    }
    throw new IllegalArgumentException(
        "cannot read a socket file descriptor from a "
            + socket.getClass().getName()
            + ": supported are "
            + SUPPORTED
            + "; for anything else pass the int fd");
  }

  /**
   * The socket's cookie ({@code SO_COOKIE}, Linux 4.12+): a 64-bit id, unique for the kernel's
   * uptime, that eBPF programs read with {@code bpf_get_socket_cookie} and that a sockmap lookup
   * returns. Use it to key maps by socket.
   */
  public static long cookie(int fd) {
    return SocketOptions.cookie(fd);
  }

  /** The cookie of any supported socket object ({@link #fd(Object)}); see {@link #cookie(int)}. */
  public static long cookie(Object socket) {
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
   * Whether this TCP socket's connection is over: its TCP state is CLOSE (read from {@code
   * TCP_INFO}), because the peer reset it or both directions have ended and been acknowledged. Such
   * a socket sends and acknowledges nothing more, so a proxy waiting for {@link #bytesAcked(int)}
   * on it to catch up stops waiting.
   */
  public static boolean connectionOver(int fd) {
    return SocketOptions.tcpState(fd) == SocketOptions.TCP_CLOSE;
  }

  /**
   * The error pending on the socket ({@code SO_ERROR}), as a positive errno, or 0; reading it
   * clears it.
   *
   * <p>A socket in a sockmap gets one when its stream parser fails: a parser that returns a
   * negative number makes the kernel stop parsing that socket for good and report the number,
   * negated, as the socket's error (Linux 4.14). The socket then polls readable but its TCP state
   * stays ESTABLISHED, so a loop that waits for {@link #peerClosed(int)} also checks this.
   */
  public static int pendingError(int fd) {
    return SocketOptions.pendingError(fd);
  }

  /** The error pending on a socket channel; see {@link #pendingError(int)}. */
  public static int pendingError(SocketChannel channel) {
    return pendingError(fd(channel));
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
    synchronized (KICK_LOCKS[Math.floorMod(fd, KICK_LOCKS.length)]) {
      SocketOptions.rerunDataReady(fd);
    }
  }
}
