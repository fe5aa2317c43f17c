package io.sockmap4j.runtime;

import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.NetworkChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What {@link SockMapHandle} and {@link SockHashHandle} share: putting sockets into a SOCKMAP or
 * SOCKHASH under a key of type {@code K}, with the kernel's semantics for each operation. The two
 * differ only in how a key is laid out (an {@code int} index, or a {@link KeyCodec}) and in how the
 * keys present are listed.
 *
 * <p>Every operation takes the socket as an int fd or as the JDK object that holds it; Netty
 * channels and other objects go in through {@link Sockets#fd(Object)}.
 *
 * @param <K> the Java key type
 */
public abstract sealed class AbstractSocketHandle<K> permits SockMapHandle, SockHashHandle {

  final SocketSlots slots;

  AbstractSocketHandle(SocketSlots slots) {
    this.slots = slots;
  }

  /** {@code key} laid out as the programs see it. */
  abstract byte[] encode(K key);

  /** The key whose layout is {@code key}. */
  abstract K decode(byte[] key);

  /** The wrapped map. */
  public BpfMap map() {
    return slots.map();
  }

  /**
   * Puts the socket {@code fd} under {@code key}, replacing any socket there ({@code BPF_ANY}),
   * then processes bytes that reached the socket before the insert (see {@link Sockets#kick(int)}).
   *
   * @throws BpfException if the kernel refuses; the message names the socket's kind and state and
   *     why (socket state, index range or a full map, a socket already carrying the map's kind of
   *     programs, capabilities)
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
   * Puts the socket {@code fd} under {@code key} only if no socket is there ({@code BPF_NOEXIST}),
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
   * Puts the socket {@code fd} under {@code key} only if a socket is there already, which it
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

  /**
   * Removes the socket under {@code key}; {@code false} when there was none, including for SOCKMAP
   * indexes outside the map.
   */
  public boolean remove(K key) {
    return slots.remove(encode(key));
  }

  /**
   * Whether a socket is stored under {@code key}: one lookup with 8-byte values. With 4-byte
   * values, which the kernel cannot look up, a SOCKHASH walks its keys and a SOCKMAP refuses.
   */
  public boolean contains(K key) {
    return slots.contains(encode(key));
  }

  /**
   * The cookie ({@link Sockets#cookie(int)}) of the socket under {@code key}, empty when there is
   * none. Needs a map with 8-byte values.
   */
  public OptionalLong cookie(K key) {
    return slots.cookie(encode(key));
  }

  /**
   * The number of sockets in the map: one system call per key of a SOCKHASH, per index of a
   * SOCKMAP. Not an atomic snapshot.
   */
  public int size() {
    return slots.keys().size();
  }

  /** The keys present, decoded, in the kernel's order. Not an atomic snapshot. */
  List<K> presentKeys() {
    List<K> keys = new ArrayList<>();
    for (byte[] key : slots.keys()) {
      keys.add(decode(key));
    }
    return keys;
  }
}
