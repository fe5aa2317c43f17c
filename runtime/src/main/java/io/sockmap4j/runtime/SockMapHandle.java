package io.sockmap4j.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Puts sockets into a SOCKMAP (map type 15): an array of sockets indexed by {@code int}, with the
 * kernel's semantics for each operation.
 *
 * <p>Sockets the kernel accepts (a refusal throws a {@link BpfException} naming the socket's state
 * and what to do):
 *
 * <table>
 *   <caption>Insertable sockets by kernel version</caption>
 *   <tr><th>Socket</th><th>Java objects</th><th>Kernel</th></tr>
 *   <tr><td>TCP, established</td><td>{@code SocketChannel}, {@code Socket}, Netty {@code
 *       EpollSocketChannel}</td><td>4.14+ (SOCKHASH 4.18+)</td></tr>
 *   <tr><td>TCP, listening</td><td>{@code ServerSocketChannel}, {@code ServerSocket}, Netty
 *       {@code EpollServerSocketChannel}</td><td>5.7+</td></tr>
 *   <tr><td>UDP, bound (connected or not)</td><td>{@code DatagramChannel}, {@code
 *       DatagramSocket}, Netty {@code EpollDatagramChannel}</td><td>5.7+; verdict programs on
 *       UDP 5.13+</td></tr>
 *   <tr><td>AF_UNIX stream, connected</td><td>{@code SocketChannel.open(StandardProtocolFamily.UNIX)}
 *       (JDK 16+), Netty {@code EpollDomainSocketChannel}</td><td>5.15+</td></tr>
 *   <tr><td>AF_UNIX datagram</td><td>none in the JDK: put its int fd</td><td>5.15+</td></tr>
 * </table>
 *
 * <p>Refused: TCP sockets in any other state (not yet connected, SYN_SENT, or closing: FIN_WAIT*,
 * CLOSE_WAIT, ...), unbound UDP sockets, listening or unconnected AF_UNIX stream sockets, other
 * families, non-socket fds; UDP and AF_UNIX sockets by a map with a stream parser attached (stream
 * parsers are TCP-only); and a socket that already carries a program of a kind this map attaches
 * (it is in another map with such programs, or already in this one). Netty channels and other
 * objects go in through {@link Sockets#fd(Object)}.
 *
 * <p>Attach the map's programs first (a {@link BpfObject} does so when it loads), then put sockets:
 * a socket takes the map's programs when it is inserted, and leaves every map by itself when it is
 * closed.
 *
 * <p>All operations are safe to call from many threads at once: each is a {@code bpf()} call that
 * the kernel applies atomically to one index. Operations that read several indexes ({@link
 * #indexes()}, {@link #size()}) are not atomic snapshots. The operations themselves ({@code put},
 * {@code putIfAbsent}, {@code replace}, {@code putAll}, {@code remove}, {@code contains}, {@code
 * cookie}) are those of {@link AbstractSocketHandle}, with the index as the key.
 */
public final class SockMapHandle extends AbstractSocketHandle<Integer> {

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not a SOCKMAP with 4- or 8-byte values
   */
  public SockMapHandle(BpfMap map) {
    super(
        new SocketSlots(
            map,
            SocketSlots.SOCKMAP,
            "SOCKMAP",
            key -> Integer.toString(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt())));
  }

  /**
   * The indexes that hold a socket, ascending. The kernel's key iteration lists every index of a
   * SOCKMAP, occupied or not, so this looks up each index: {@code max_entries} system calls. Not an
   * atomic snapshot: sockets put or removed meanwhile may or may not be listed. Needs a map with
   * 8-byte values.
   */
  public List<Integer> indexes() {
    return presentKeys();
  }

  @Override
  byte[] encode(Integer index) {
    return key(index);
  }

  @Override
  Integer decode(byte[] key) {
    return ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
  }

  static byte[] key(int index) {
    return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(index).array();
  }
}
