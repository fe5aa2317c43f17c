package io.sockmap4j.runtime;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Puts sockets into a SOCKHASH (map type 18): sockets under keys of type {@code K}, encoded by a
 * {@link KeyCodec} into the C layout the programs use.
 *
 * <p>The same sockets are accepted as by {@link SockMapHandle}, with the same rule: attach the
 * programs first, then put sockets.
 *
 * @param <K> the Java key type
 */
public final class SockHashHandle<K> {

  private final SocketSlots slots;
  private final KeyCodec<K> codec;

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not a SOCKHASH, its values are not 4 or 8 bytes,
   *     or its key size differs from {@code codec.size()}
   */
  public SockHashHandle(BpfMap map, KeyCodec<K> codec) {
    this.slots = new SocketSlots(map, SocketSlots.SOCKHASH, "SOCKHASH");
    if (map.keySize() != codec.size()) {
      throw new IllegalArgumentException(
          "SOCKHASH "
              + map.name()
              + " has "
              + map.keySize()
              + "-byte keys but "
              + codec
              + " encodes "
              + codec.size()
              + " bytes");
    }
    this.codec = codec;
  }

  /** The wrapped map. */
  public BpfMap map() {
    return slots.map();
  }

  /**
   * Puts the socket {@code fd} under {@code key}, replacing any socket there, then processes bytes
   * that reached the socket before the insert (see {@link Sockets#kick(int)}).
   *
   * @throws BpfException if the kernel refuses; the message says why
   */
  public void put(K key, int fd) {
    slots.put(encode(key), String.valueOf(key), fd);
  }

  /** Puts a connected socket channel under {@code key}. */
  public void put(K key, SocketChannel channel) {
    put(key, Sockets.fd(channel));
  }

  /** Puts a listening server socket channel under {@code key}. */
  public void put(K key, ServerSocketChannel channel) {
    put(key, Sockets.fd(channel));
  }

  /** Puts a connected socket under {@code key}. */
  public void put(K key, Socket socket) {
    put(key, Sockets.fd(socket));
  }

  /** Puts a listening server socket under {@code key}. */
  public void put(K key, ServerSocket socket) {
    put(key, Sockets.fd(socket));
  }

  /**
   * Puts several sockets at once: all are stored before any is kicked, so a program that redirects
   * between them never runs while one is missing (use it for the two sockets of a spliced pair). On
   * failure the entries stored by this call are removed and the exception says which socket the
   * kernel refused and why.
   */
  public void putAll(Map<K, SocketChannel> sockets) {
    slots.putAll(sockets, this::encode);
  }

  /** Removes the socket under {@code key}; {@code false} when there was none. */
  public boolean remove(K key) {
    return slots.remove(encode(key));
  }

  /** Whether a socket is stored under {@code key}. Needs a map with 8-byte values. */
  public boolean contains(K key) {
    return cookie(key).isPresent();
  }

  /** The cookie of the socket under {@code key}, empty when there is none. */
  public OptionalLong cookie(K key) {
    return slots.cookie(encode(key));
  }

  /**
   * The keys present, in the kernel's iteration order. Keys added or removed concurrently may or
   * may not be listed; each key is listed at most once.
   */
  public List<K> keys() {
    BpfMap map = slots.map();
    List<K> keys = new ArrayList<>();
    Set<ByteBuffer> seen = new HashSet<>();
    for (byte[] key = map.nextKey(null); key != null; key = map.nextKey(key)) {
      if (!seen.add(ByteBuffer.wrap(key)) || seen.size() > map.maxEntries()) {
        break;
      }
      keys.add(codec.decode(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder())));
    }
    return keys;
  }

  private byte[] encode(K key) {
    ByteBuffer out = ByteBuffer.allocate(codec.size()).order(ByteOrder.nativeOrder());
    codec.encode(key, out);
    return out.array();
  }
}
