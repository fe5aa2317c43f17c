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
 * Puts sockets into a SOCKHASH (map type 18, kernel 4.18+): sockets under keys of type {@code K},
 * encoded by a {@link KeyCodec} into the C layout the programs use, with the kernel's semantics for
 * each operation.
 *
 * <p>The same sockets are accepted and refused as by {@link SockMapHandle} (see its table of socket
 * kinds and kernel versions), with the same rule: attach the programs first, then put sockets. A
 * full map refuses new keys (E2BIG) but still lets existing keys be replaced.
 *
 * <p>All operations are safe to call from many threads at once: each is a {@code bpf()} call that
 * the kernel applies atomically to one key. {@link #keys()} and {@link #size()} walk the map and
 * are not atomic snapshots.
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
    this.slots =
        new SocketSlots(map, SocketSlots.SOCKHASH, "SOCKHASH", key -> String.valueOf(decode(key)));
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
   * Puts the socket {@code fd} under {@code key}, replacing any socket there ({@code BPF_ANY}),
   * then processes bytes that reached the socket before the insert (see {@link Sockets#kick(int)}).
   *
   * @throws BpfException if the kernel refuses; the message names the socket's kind and state and
   *     why
   */
  public void put(K key, int fd) {
    slots.put(encode(key), fd, SocketSlots.BPF_ANY);
  }

  /**
   * Puts a JDK channel (TCP, UDP or UNIX-domain) under {@code key}; see {@link #put(Object, int)}.
   */
  public void put(K key, NetworkChannel channel) {
    put(key, Sockets.fd(channel));
  }

  /** Puts a connected socket under {@code key}; see {@link #put(Object, int)}. */
  public void put(K key, Socket socket) {
    put(key, Sockets.fd(socket));
  }

  /** Puts a listening server socket under {@code key}; see {@link #put(Object, int)}. */
  public void put(K key, ServerSocket socket) {
    put(key, Sockets.fd(socket));
  }

  /** Puts a bound datagram socket under {@code key}; see {@link #put(Object, int)}. */
  public void put(K key, DatagramSocket socket) {
    put(key, Sockets.fd(socket));
  }

  /**
   * Puts the socket {@code fd} under {@code key} only if the key is absent ({@code BPF_NOEXIST}),
   * then kicks it as {@link #put(Object, int)} does.
   *
   * @return {@code false}, changing nothing, when {@code key} already holds a socket
   * @throws BpfException if the kernel refuses for any other reason (a full map: E2BIG)
   */
  public boolean putIfAbsent(K key, int fd) {
    return slots.put(encode(key), fd, SocketSlots.BPF_NOEXIST);
  }

  /** {@link #putIfAbsent(Object, int)} for a JDK channel. */
  public boolean putIfAbsent(K key, NetworkChannel channel) {
    return putIfAbsent(key, Sockets.fd(channel));
  }

  /** {@link #putIfAbsent(Object, int)} for a socket. */
  public boolean putIfAbsent(K key, Socket socket) {
    return putIfAbsent(key, Sockets.fd(socket));
  }

  /** {@link #putIfAbsent(Object, int)} for a server socket. */
  public boolean putIfAbsent(K key, ServerSocket socket) {
    return putIfAbsent(key, Sockets.fd(socket));
  }

  /** {@link #putIfAbsent(Object, int)} for a datagram socket. */
  public boolean putIfAbsent(K key, DatagramSocket socket) {
    return putIfAbsent(key, Sockets.fd(socket));
  }

  /**
   * Puts the socket {@code fd} under {@code key} only if the key holds a socket already, which it
   * replaces ({@code BPF_EXIST}); then kicks it as {@link #put(Object, int)} does.
   *
   * @return {@code false}, changing nothing, when {@code key} holds no socket
   * @throws BpfException if the kernel refuses for any other reason
   */
  public boolean replace(K key, int fd) {
    return slots.put(encode(key), fd, SocketSlots.BPF_EXIST);
  }

  /** {@link #replace(Object, int)} for a JDK channel. */
  public boolean replace(K key, NetworkChannel channel) {
    return replace(key, Sockets.fd(channel));
  }

  /** {@link #replace(Object, int)} for a socket. */
  public boolean replace(K key, Socket socket) {
    return replace(key, Sockets.fd(socket));
  }

  /** {@link #replace(Object, int)} for a server socket. */
  public boolean replace(K key, ServerSocket socket) {
    return replace(key, Sockets.fd(socket));
  }

  /** {@link #replace(Object, int)} for a datagram socket. */
  public boolean replace(K key, DatagramSocket socket) {
    return replace(key, Sockets.fd(socket));
  }

  /**
   * Puts several sockets at once: all are stored before any is kicked, so a program that redirects
   * between them never runs while one is missing (use it for the two sockets of a spliced pair). On
   * failure the entries stored by this call are removed and the exception says which socket the
   * kernel refused and why.
   *
   * @param sockets key to socket: any object {@link Sockets#fd(Object)} accepts
   */
  public void putAll(Map<K, ?> sockets) {
    slots.putAll(sockets, this::encode);
  }

  /** Removes the socket under {@code key}; {@code false} when there was none. */
  public boolean remove(K key) {
    return slots.remove(encode(key));
  }

  /**
   * Whether a socket is stored under {@code key}: one lookup with 8-byte values; with 4-byte
   * values, which the kernel cannot look up, a walk over the keys.
   */
  public boolean contains(K key) {
    return slots.contains(encode(key));
  }

  /** The cookie of the socket under {@code key}, empty when there is none. Needs 8-byte values. */
  public OptionalLong cookie(K key) {
    return slots.cookie(encode(key));
  }

  /**
   * The keys present, in the kernel's iteration order, decoded. Not an atomic snapshot: keys added
   * or removed concurrently may or may not be listed; each key is listed at most once.
   */
  public List<K> keys() {
    List<K> keys = new ArrayList<>();
    for (byte[] key : slots.keys()) {
      keys.add(decode(key));
    }
    return keys;
  }

  /**
   * The number of sockets in the map: {@link #keys()}{@code .size()}, one system call per key
   * (O(n)), not atomic.
   */
  public int size() {
    return slots.keys().size();
  }

  private byte[] encode(K key) {
    ByteBuffer out = ByteBuffer.allocate(codec.size()).order(ByteOrder.nativeOrder());
    codec.encode(key, out);
    return out.array();
  }

  private K decode(byte[] key) {
    return codec.decode(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()));
  }
}
