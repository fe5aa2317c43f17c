package io.sockmap4j.runtime;

import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.NetworkChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

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
 * #indexes()}, {@link #size()}) are not atomic snapshots.
 */
public final class SockMapHandle {

  private final SocketSlots slots;

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not a SOCKMAP with 4- or 8-byte values
   */
  public SockMapHandle(BpfMap map) {
    this.slots =
        new SocketSlots(
            map,
            SocketSlots.SOCKMAP,
            "SOCKMAP",
            key -> Integer.toString(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt()));
  }

  /** The wrapped map. */
  public BpfMap map() {
    return slots.map();
  }

  /**
   * Puts the socket {@code fd} at {@code index}, replacing any socket there ({@code BPF_ANY}), then
   * processes bytes that reached the socket before the insert (see {@link Sockets#kick(int)}).
   *
   * @throws BpfException if the kernel refuses; the message names the socket's kind and state and
   *     why (socket state, index range, a socket already carrying the map's kind of programs,
   *     capabilities)
   */
  public void put(int index, int fd) {
    slots.put(key(index), fd, SocketSlots.BPF_ANY);
  }

  /** Puts a JDK channel (TCP, UDP or UNIX-domain) at {@code index}; see {@link #put(int, int)}. */
  public void put(int index, NetworkChannel channel) {
    put(index, Sockets.fd(channel));
  }

  /** Puts a connected socket at {@code index}; see {@link #put(int, int)}. */
  public void put(int index, Socket socket) {
    put(index, Sockets.fd(socket));
  }

  /** Puts a listening server socket at {@code index}; see {@link #put(int, int)}. */
  public void put(int index, ServerSocket socket) {
    put(index, Sockets.fd(socket));
  }

  /** Puts a bound datagram socket at {@code index}; see {@link #put(int, int)}. */
  public void put(int index, DatagramSocket socket) {
    put(index, Sockets.fd(socket));
  }

  /**
   * Puts the socket {@code fd} at {@code index} only if no socket is there ({@code BPF_NOEXIST}),
   * then kicks it as {@link #put(int, int)} does.
   *
   * @return {@code false}, changing nothing, when {@code index} already holds a socket
   * @throws BpfException if the kernel refuses for any other reason
   */
  public boolean putIfAbsent(int index, int fd) {
    return slots.put(key(index), fd, SocketSlots.BPF_NOEXIST);
  }

  /** {@link #putIfAbsent(int, int)} for a JDK channel. */
  public boolean putIfAbsent(int index, NetworkChannel channel) {
    return putIfAbsent(index, Sockets.fd(channel));
  }

  /** {@link #putIfAbsent(int, int)} for a socket. */
  public boolean putIfAbsent(int index, Socket socket) {
    return putIfAbsent(index, Sockets.fd(socket));
  }

  /** {@link #putIfAbsent(int, int)} for a server socket. */
  public boolean putIfAbsent(int index, ServerSocket socket) {
    return putIfAbsent(index, Sockets.fd(socket));
  }

  /** {@link #putIfAbsent(int, int)} for a datagram socket. */
  public boolean putIfAbsent(int index, DatagramSocket socket) {
    return putIfAbsent(index, Sockets.fd(socket));
  }

  /**
   * Puts the socket {@code fd} at {@code index} only if a socket is there already, which it
   * replaces ({@code BPF_EXIST}); then kicks it as {@link #put(int, int)} does.
   *
   * @return {@code false}, changing nothing, when {@code index} holds no socket
   * @throws BpfException if the kernel refuses for any other reason
   */
  public boolean replace(int index, int fd) {
    return slots.put(key(index), fd, SocketSlots.BPF_EXIST);
  }

  /** {@link #replace(int, int)} for a JDK channel. */
  public boolean replace(int index, NetworkChannel channel) {
    return replace(index, Sockets.fd(channel));
  }

  /** {@link #replace(int, int)} for a socket. */
  public boolean replace(int index, Socket socket) {
    return replace(index, Sockets.fd(socket));
  }

  /** {@link #replace(int, int)} for a server socket. */
  public boolean replace(int index, ServerSocket socket) {
    return replace(index, Sockets.fd(socket));
  }

  /** {@link #replace(int, int)} for a datagram socket. */
  public boolean replace(int index, DatagramSocket socket) {
    return replace(index, Sockets.fd(socket));
  }

  /**
   * Puts several sockets at once: all are stored before any is kicked, so a program that redirects
   * between them never runs while one is missing (use it for the two sockets of a spliced pair). On
   * failure the entries stored by this call are removed and the exception says which socket the
   * kernel refused and why.
   *
   * @param sockets index to socket: any object {@link Sockets#fd(Object)} accepts
   */
  public void putAll(Map<Integer, ?> sockets) {
    slots.putAll(sockets, SockMapHandle::key);
  }

  /**
   * Removes the socket at {@code index}; {@code false} when there was none, including for indexes
   * outside the map.
   */
  public boolean remove(int index) {
    return slots.remove(key(index));
  }

  /** Whether a socket is at {@code index}. Needs a map with 8-byte values. */
  public boolean contains(int index) {
    return slots.contains(key(index));
  }

  /**
   * The cookie ({@link Sockets#cookie(int)}) of the socket at {@code index}, empty when there is
   * none. Needs a map with 8-byte values.
   */
  public OptionalLong cookie(int index) {
    return slots.cookie(key(index));
  }

  /**
   * The indexes that hold a socket, ascending. The kernel's key iteration lists every index of a
   * SOCKMAP, occupied or not, so this looks up each index: {@code max_entries} system calls. Not an
   * atomic snapshot: sockets put or removed meanwhile may or may not be listed. Needs a map with
   * 8-byte values.
   */
  public List<Integer> indexes() {
    List<Integer> indexes = new ArrayList<>();
    for (byte[] key : slots.keys()) {
      indexes.add(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt());
    }
    return indexes;
  }

  /**
   * The number of sockets in the map: {@link #indexes()}{@code .size()}, with the same cost
   * (O(max_entries) system calls) and the same lack of atomicity.
   */
  public int size() {
    return slots.keys().size();
  }

  static byte[] key(int index) {
    return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(index).array();
  }
}
