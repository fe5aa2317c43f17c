package io.sockmap4j.runtime.internal;

import static io.sockmap4j.runtime.internal.SocketState.SOCK_DGRAM;
import static io.sockmap4j.runtime.internal.SocketState.SOCK_STREAM;
import static io.sockmap4j.runtime.internal.SocketState.TCP_ESTABLISHED;
import static io.sockmap4j.runtime.internal.SocketState.TCP_LISTEN;

/**
 * Why the kernel refused to put a socket into a SOCKMAP or SOCKHASH ({@code BPF_MAP_UPDATE_ELEM}
 * from user space), phrased so that the user knows what to change.
 *
 * <p>The rules, as {@code net/core/sock_map.c} applies them and as verified on Linux 6.18:
 *
 * <ul>
 *   <li>EOPNOTSUPP: the socket is of a kind or in a state the map does not take. TCP must be
 *       ESTABLISHED or LISTEN (SYN_SENT, CLOSE_WAIT, FIN_WAIT2... are refused); UDP must be bound
 *       (5.7+); AF_UNIX stream sockets must be connected, not listening (5.15+); AF_UNIX datagram
 *       sockets are taken from 5.15. A map with a stream parser attached takes TCP only.
 *   <li>EBUSY: the socket already carries a program of a kind the map has attached (stream parser,
 *       stream verdict, skb verdict, msg verdict), because it is in another map with such programs
 *       or already in this one (putting a socket twice into a map with programs is refused too).
 *   <li>E2BIG: a SOCKMAP index at or beyond max_entries, or a full SOCKHASH.
 *   <li>ENOTSOCK, EBADF: the fd is not a socket, or not open.
 * </ul>
 */
public final class InsertAdvice {

  /** What the socket was being put into. */
  public record Target(
      String typeName, String mapName, boolean sockmap, int maxEntries, String keyText) {}

  private InsertAdvice() {}

  /** The advice for {@code errno} with the running kernel, or {@code null} when there is none. */
  public static String of(int errno, int fd, Target target, String heldAt) {
    return of(errno, fd, target, heldAt, readState(fd), KernelVersion.current());
  }

  /**
   * The advice for {@code errno}.
   *
   * @param heldAt where this map already holds the socket (for EBUSY), or {@code null}
   * @param state the socket's state, or {@code null} when it could not be read
   */
  static String of(
      int errno, int fd, Target target, String heldAt, SocketState state, KernelVersion kernel) {
    String socket =
        "fd " + fd + " is " + (state == null ? "not a readable socket" : state.describe());
    switch (errno) {
      case Errno.EOPNOTSUPP:
        return state == null ? socket : unsupported(socket, state, kernel);
      case Errno.EBUSY:
        return busy(socket, target, heldAt);
      case Errno.E2BIG:
        return target.sockmap()
            ? "index "
                + target.keyText()
                + " is out of range: "
                + target.mapName()
                + " has max_entries "
                + target.maxEntries()
                + " (indexes 0.."
                + (target.maxEntries() - 1)
                + ")"
            : target.mapName()
                + " is full (max_entries "
                + target.maxEntries()
                + "): remove a socket first, or declare the map with more entries";
      case Errno.ENOTSOCK:
        return "fd " + fd + " is not a socket (a file, pipe or other descriptor)";
      case Errno.EBADF:
        return "fd " + fd + " is not open (the socket was closed)";
      case Errno.EINVAL:
        return "the kernel refused the fd or the update flags (fd "
            + fd
            + " must be between 0 and 2^31-1; flags BPF_ANY, BPF_NOEXIST or BPF_EXIST)";
      default:
        return null;
    }
  }

  private static String unsupported(String socket, SocketState state, KernelVersion kernel) {
    if (state.isTcp()) {
      int tcp = state.tcpState();
      if (tcp != TCP_ESTABLISHED && tcp != TCP_LISTEN) {
        return "a TCP socket must be connected (ESTABLISHED) or listening (LISTEN); "
            + socket
            + ": "
            + tcpHint(tcp);
      }
      if (tcp == TCP_LISTEN && kernel.isBefore(5, 7)) {
        return socket + ": listening sockets need kernel 5.7+ (this is " + text(kernel) + ")";
      }
      return socket
          + ", which sockmaps take; the kernel still refused it, which happens for a socket with"
          + " an upper-layer protocol such as kTLS set";
    }
    if (state.isUdp()) {
      if (kernel.isBefore(5, 7)) {
        return socket
            + ": UDP sockets need kernel 5.7+ (5.13+ for verdict programs); this is "
            + text(kernel);
      }
      if (!state.bound()) {
        return socket + ": a UDP socket must be bound (bind it, or connect it, which binds)";
      }
      return socket + ": " + parserNeedsTcp(kernel, 5, 13);
    }
    if (state.isUnix() && (state.type() == SOCK_STREAM || state.type() == SOCK_DGRAM)) {
      if (kernel.isBefore(5, 15)) {
        return socket + ": AF_UNIX sockets need kernel 5.15+; this is " + text(kernel);
      }
      if (state.type() == SOCK_STREAM && (state.listening() || !state.connected())) {
        return socket
            + ": an AF_UNIX stream socket must be connected (listening ones are refused): put"
            + " the connected or accepted socket instead";
      }
      return socket + ": " + parserNeedsTcp(kernel, 5, 15);
    }
    return socket
        + ": sockmaps take TCP (established or listening), UDP (bound, 5.7+) and AF_UNIX stream"
        + " (connected) or datagram (5.15+) sockets only";
  }

  private static String parserNeedsTcp(KernelVersion kernel, int major, int minor) {
    String advice =
        "the map has a stream parser attached, and stream parsers work on TCP only; put it into"
            + " a map with only a verdict program (STREAM_VERDICT or SK_SKB_VERDICT)";
    return kernel.isBefore(major, minor)
        ? advice
            + ", or upgrade: verdict programs on this socket kind need kernel "
            + major
            + "."
            + minor
            + "+ (this is "
            + text(kernel)
            + ")"
        : advice;
  }

  private static String tcpHint(int tcpState) {
    switch (tcpState) {
      case 7: // CLOSE
        return "it is not connected (never connected, or already closed): connect it first";
      case 2: // SYN_SENT
      case 3: // SYN_RECV
      case 12: // NEW_SYN_RECV
        return "it is still connecting: wait until connect() (or finishConnect()) completes";
      case 8: // CLOSE_WAIT
      case 9: // LAST_ACK
        return "the peer has closed its side (FIN received), so the connection is ending and"
            + " cannot join a map; put sockets in before their peer closes";
      default: // FIN_WAIT1, FIN_WAIT2, CLOSING, TIME_WAIT
        return "its output was shut down, so the connection is ending and cannot join a map; put"
            + " sockets in before shutting them down";
    }
  }

  private static String busy(String socket, Target target, String heldAt) {
    String where =
        heldAt != null
            ? "it is already in "
                + target.mapName()
                + " at "
                + heldAt
                + ", and a map with programs takes a socket once: remove it from there first"
            : "it is in another map that has programs of the same kind attached (a socket"
                + " carries one program of each kind: stream parser, stream verdict, skb"
                + " verdict, msg verdict): remove it from that map first, or use one map";
    return socket
        + " that already carries a program of a kind "
        + target.mapName()
        + " attaches: "
        + where;
  }

  private static String text(KernelVersion kernel) {
    return kernel.major() + "." + kernel.minor();
  }

  private static SocketState readState(int fd) {
    try {
      return SocketOptions.state(fd);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
