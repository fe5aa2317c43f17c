package io.sockmap4j.runtime;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Puts sockets into a SOCKMAP (map type 15): an array of sockets indexed by {@code int}.
 *
 * <p>Accepted sockets: established TCP sockets and listening TCP sockets (5.7+); the kernel also
 * takes bound UDP (5.7) and AF_UNIX (5.15) sockets, which have no JDK channel here but can be put
 * by fd. Attach the map's programs first (a {@link BpfObject} does so when it loads), then put
 * sockets: a socket takes the map's programs when it is inserted, and leaves every map by itself
 * when it is closed.
 */
public final class SockMapHandle {

  private final SocketSlots slots;

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not a SOCKMAP with 4- or 8-byte values
   */
  public SockMapHandle(BpfMap map) {
    this.slots = new SocketSlots(map, SocketSlots.SOCKMAP, "SOCKMAP");
  }

  /** The wrapped map. */
  public BpfMap map() {
    return slots.map();
  }

  /**
   * Puts the socket {@code fd} at {@code index}, replacing any socket there, then processes bytes
   * that reached the socket before the insert (see {@link Sockets#kick(int)}).
   *
   * @throws BpfException if the kernel refuses; the message says why (socket state, index range, a
   *     socket already carrying another map's programs, capabilities)
   */
  public void put(int index, int fd) {
    slots.put(key(index), Integer.toString(index), fd);
  }

  /** Puts a connected socket channel at {@code index}. */
  public void put(int index, SocketChannel channel) {
    put(index, Sockets.fd(channel));
  }

  /** Puts a listening server socket channel at {@code index}. */
  public void put(int index, ServerSocketChannel channel) {
    put(index, Sockets.fd(channel));
  }

  /** Puts a connected socket at {@code index}. */
  public void put(int index, Socket socket) {
    put(index, Sockets.fd(socket));
  }

  /** Puts a listening server socket at {@code index}. */
  public void put(int index, ServerSocket socket) {
    put(index, Sockets.fd(socket));
  }

  /**
   * Puts several sockets at once: all are stored before any is kicked, so a program that redirects
   * between them never runs while one is missing (use it for the two sockets of a spliced pair). On
   * failure the entries stored by this call are removed and the exception says which socket the
   * kernel refused and why.
   */
  public void putAll(Map<Integer, SocketChannel> sockets) {
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
    return cookie(index).isPresent();
  }

  /**
   * The cookie ({@link Sockets#cookie(int)}) of the socket at {@code index}, empty when there is
   * none. Needs a map with 8-byte values.
   */
  public OptionalLong cookie(int index) {
    return slots.cookie(key(index));
  }

  private static byte[] key(int index) {
    return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(index).array();
  }
}
