package io.sockmap4j.runtime.internal;

/**
 * What the kernel reports about a socket, as far as sockmaps care: its family, type and protocol,
 * the TCP state, and whether it is bound, connected or listening.
 *
 * @param domain {@code SO_DOMAIN}: 1 AF_UNIX, 2 AF_INET, 10 AF_INET6, ...
 * @param type {@code SO_TYPE}: 1 SOCK_STREAM, 2 SOCK_DGRAM, 5 SOCK_SEQPACKET, ...
 * @param protocol {@code SO_PROTOCOL}: 6 TCP, 17 UDP, 0 for AF_UNIX
 * @param tcpState {@code tcpi_state} for TCP sockets, -1 otherwise
 * @param listening {@code SO_ACCEPTCONN}
 * @param bound whether {@code getsockname} shows a local address (a port, or a UNIX path or
 *     abstract name)
 * @param connected whether {@code getpeername} succeeds
 */
public record SocketState(
    int domain,
    int type,
    int protocol,
    int tcpState,
    boolean listening,
    boolean bound,
    boolean connected) {

  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_SEQPACKET = 5;
  public static final int IPPROTO_TCP = 6;
  public static final int IPPROTO_UDP = 17;
  public static final int TCP_ESTABLISHED = 1;
  public static final int TCP_LISTEN = 10;

  /** Whether this is a TCP socket (over IPv4 or IPv6). */
  public boolean isTcp() {
    return isInet() && type == SOCK_STREAM && protocol == IPPROTO_TCP;
  }

  /** Whether this is a UDP socket (over IPv4 or IPv6). */
  public boolean isUdp() {
    return isInet() && type == SOCK_DGRAM && protocol == IPPROTO_UDP;
  }

  /** Whether this is an AF_UNIX socket of any type. */
  public boolean isUnix() {
    return domain == AF_UNIX;
  }

  private boolean isInet() {
    return domain == AF_INET || domain == AF_INET6;
  }

  /**
   * A phrase naming the socket and its state, such as {@code "a TCP/IPv4 socket in state
   * SYN_SENT"}, {@code "a UDP/IPv6 socket, not bound"} or {@code "a UNIX stream socket,
   * listening"}.
   */
  public String describe() {
    if (isTcp()) {
      return "a TCP/" + family() + " socket in state " + SocketOptions.tcpStateName(tcpState);
    }
    if (isUdp()) {
      return "a UDP/"
          + family()
          + " socket, "
          + (bound ? "bound" : "not bound")
          + (connected ? ", connected" : "");
    }
    if (isUnix()) {
      String kind =
          type == SOCK_STREAM
              ? "stream"
              : type == SOCK_DGRAM
                  ? "datagram"
                  : type == SOCK_SEQPACKET ? "seqpacket" : "type " + type;
      if (listening) {
        return "a UNIX " + kind + " socket, listening";
      }
      return "a UNIX "
          + kind
          + " socket, "
          + (connected ? "connected" : "not connected")
          + (type == SOCK_DGRAM ? (bound ? ", bound" : ", not bound") : "");
    }
    return "a socket of family "
        + family()
        + ", type "
        + type
        + ", protocol "
        + protocol
        + " (neither TCP, UDP nor AF_UNIX)";
  }

  private String family() {
    switch (domain) {
      case AF_UNIX:
        return "UNIX";
      case AF_INET:
        return "IPv4";
      case AF_INET6:
        return "IPv6";
      case 16:
        return "NETLINK";
      case 17:
        return "PACKET";
      case 40:
        return "VSOCK";
      default:
        return Integer.toString(domain);
    }
  }
}
