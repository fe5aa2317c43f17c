package io.sockmap4j.examples.bypass;

import io.sockmap4j.Direction;
import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A same-host bypass: when both ends of a local TCP connection are in {@link #sockets}, bytes sent
 * on one end are put straight onto the other end's receive queue, skipping TCP/IP.
 *
 * <p>IPv4 only: sockets opened by Java without a protocol family are dual-stack IPv6 sockets, whose
 * family is {@code AF_INET6} even when connected to 127.0.0.1, and the program passes their bytes
 * to TCP unchanged.
 *
 * <p>Each socket is stored under its own 4-tuple. The sender's peer sees the same connection with
 * local and remote swapped, so the program builds that swapped tuple as the key.
 */
public final class Bypass {
  private Bypass() {}

  /**
   * A connection as seen from one socket: IPv4 addresses as ints (0x7f000001 is 127.0.0.1) and
   * ports in host byte order.
   */
  public record Tuple(int localIp, int remoteIp, int localPort, int remotePort) {
    /**
     * The tuple of a connected IPv4 socket, as its own programs see it. Java opens dual-stack IPv6
     * sockets by default, which the kernel reports as {@code AF_INET6} even for 127.0.0.1; open the
     * channels with {@code StandardProtocolFamily.INET}.
     */
    public static Tuple of(SocketChannel channel) throws IOException {
      InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
      InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
      return new Tuple(ipv4(local), ipv4(remote), local.getPort(), remote.getPort());
    }

    private static int ipv4(InetSocketAddress address) {
      if (!(address.getAddress() instanceof Inet4Address v4)) {
        throw new IllegalArgumentException(address + " is not an IPv4 address");
      }
      return ByteBuffer.wrap(v4.getAddress()).getInt();
    }
  }

  static final int AF_INET = 2;

  @SockHash(maxEntries = 4096)
  static SocketHash<Tuple> sockets;

  @SkMsgVerdict(map = "sockets")
  static Verdict shortCircuit(SkMsg msg) {
    if (msg.family() != AF_INET) {
      return Verdict.PASS;
    }
    Tuple peer = new Tuple(msg.remoteIp4(), msg.localIp4(), msg.remotePort(), msg.localPort());
    // PASS with a redirect set moves the bytes to the peer; without one (the peer is not in the
    // map: not local, or not inserted yet) the bytes are sent normally.
    sockets.redirect(msg, peer, Direction.INGRESS);
    return Verdict.PASS;
  }
}
