package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.BpfCommand;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.FailureAdvice;
import io.sockmap4j.runtime.internal.InsertAdvice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@link SockMapHandle} and {@link SockHashHandle} share: putting socket fds into a
 * SOCKMAP/SOCKHASH with the kernel's update flags, kicking them, reading cookies, listing what the
 * map holds, and explaining refusals.
 *
 * <p>Holds no mutable state: every operation is one or more {@code bpf()} calls on the map, which
 * the kernel serializes per element, so the handles are safe to use from many threads.
 */
final class SocketSlots {

  static final int SOCKMAP = 15;
  static final int SOCKHASH = 18;
  static final long BPF_ANY = 0;
  static final long BPF_NOEXIST = 1;
  static final long BPF_EXIST = 2;

  /** Maps up to this size are searched for the socket when the kernel answers EBUSY. */
  private static final int BUSY_SEARCH_LIMIT = 4096;

  private final BpfMap map;
  private final String typeName;
  private final Function<byte[], String> keyText;

  /**
   * @param keyText how a key reads in messages: {@code "3"}, {@code "Peer[ip=1, port=2]"}
   */
  SocketSlots(BpfMap map, int expectedType, String typeName, Function<byte[], String> keyText) {
    if (map.type() != expectedType) {
      throw new IllegalArgumentException(
          "map "
              + map.name()
              + " has type "
              + map.type()
              + ", not "
              + typeName
              + " ("
              + expectedType
              + ")");
    }
    if (map.valueSize() != Integer.BYTES && map.valueSize() != Long.BYTES) {
      throw new IllegalArgumentException(
          typeName
              + " "
              + map.name()
              + " has value size "
              + map.valueSize()
              + "; the kernel accepts 4 or 8 (8 lets lookups return the socket cookie)");
    }
    this.map = map;
    this.typeName = typeName;
    this.keyText = keyText;
  }

  BpfMap map() {
    return map;
  }

  /**
   * Stores {@code fd} under {@code key} with the kernel's update {@code flags}, then kicks the
   * socket so queued bytes are processed. Returns {@code false}, storing nothing, when {@code
   * BPF_NOEXIST} finds the key taken (EEXIST) or {@code BPF_EXIST} finds it empty (ENOENT).
   */
  boolean put(byte[] key, int fd, long flags) {
    if (!store(key, fd, flags)) {
      return false;
    }
    Sockets.kick(fd);
    return true;
  }

  /**
   * Stores every socket, and only then kicks each one. A program that redirects between these
   * sockets therefore never runs while one of them is missing: with one {@link #put} after the
   * other, bytes already queued on the first could be forwarded (and answered, and the peer closed)
   * before the second is in. If a store fails, the entries stored by this call are removed (no
   * program has run on them yet) and the failure is thrown.
   */
  <K> void putAll(Map<K, ?> sockets, Function<K, byte[]> encode) {
    List<byte[]> keys = new ArrayList<>();
    int[] fds = new int[sockets.size()];
    for (Map.Entry<K, ?> e : sockets.entrySet()) {
      fds[keys.size()] = Sockets.fd(e.getValue());
      keys.add(encode.apply(e.getKey()));
    }
    for (int i = 0; i < fds.length; i++) {
      try {
        store(keys.get(i), fds[i], BPF_ANY);
      } catch (BpfException e) {
        for (int j = 0; j < i; j++) {
          map.delete(keys.get(j));
        }
        throw e;
      }
    }
    for (int fd : fds) {
      Sockets.kick(fd);
    }
  }

  private boolean store(byte[] key, int fd, long flags) {
    ByteBuffer value = ByteBuffer.allocate(map.valueSize()).order(ByteOrder.nativeOrder());
    if (map.valueSize() == Long.BYTES) {
      value.putLong(fd);
    } else {
      value.putInt(fd);
    }
    try {
      map.update(key, value.array(), flags);
      return true;
    } catch (BpfException e) {
      if ((flags == BPF_NOEXIST && e.errno() == Errno.EEXIST)
          || (flags == BPF_EXIST && e.errno() == Errno.ENOENT)) {
        return false;
      }
      throw explainInsert(e, key, fd);
    }
  }

  boolean remove(byte[] key) {
    return map.delete(key);
  }

  /** The cookie of the socket under {@code key}, empty when there is none. */
  OptionalLong cookie(byte[] key) {
    requireCookies("look up sockets");
    byte[] value = map.lookup(key);
    if (value == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong());
  }

  /**
   * Whether a socket is under {@code key}. A SOCKMAP answers from a lookup (8-byte values); a
   * SOCKHASH with 4-byte values is searched key by key.
   */
  boolean contains(byte[] key) {
    if (map.valueSize() == Long.BYTES) {
      return cookie(key).isPresent();
    }
    if (map.type() == SOCKMAP) {
      requireCookies("tell which indexes hold a socket");
    }
    for (byte[] present : keys()) {
      if (Arrays.equals(present, key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The keys that hold a socket. A SOCKHASH lists its keys ({@code BPF_MAP_GET_NEXT_KEY}). A
   * SOCKMAP's iteration lists every index, empty or not, so each index is looked up instead (8-byte
   * values needed). The kernel may restart a SOCKHASH iteration when the current key is removed
   * concurrently; keys are deduplicated and the walk is bounded.
   */
  List<byte[]> keys() {
    List<byte[]> keys = new ArrayList<>();
    if (map.type() == SOCKMAP) {
      requireCookies("tell which indexes hold a socket");
      for (int index = 0; index < map.maxEntries(); index++) {
        byte[] key = SockMapHandle.key(index);
        if (map.lookup(key) != null) {
          keys.add(key);
        }
      }
      return keys;
    }
    Set<ByteBuffer> seen = new HashSet<>();
    long steps = 4L * map.maxEntries() + 64;
    for (byte[] key = map.nextKey(null); key != null && steps-- > 0; key = map.nextKey(key)) {
      if (seen.add(ByteBuffer.wrap(key))) {
        keys.add(key);
      }
    }
    return keys;
  }

  private void requireCookies(String purpose) {
    if (map.valueSize() != Long.BYTES) {
      throw new UnsupportedOperationException(
          typeName
              + " "
              + map.name()
              + " has 4-byte values: to "
              + purpose
              + " the kernel needs 8-byte values (a lookup then returns the socket cookie; with 4"
              + " it fails with ENOSPC); declare the map with 8-byte values");
    }
  }

  private BpfException explainInsert(BpfException e, byte[] key, int fd) {
    String text = keyText.apply(key);
    String operation = "put fd " + fd + " into " + typeName + " " + map.name() + "[" + text + "]";
    String advice;
    if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) {
      advice = FailureAdvice.of(BpfCommand.MAP_UPDATE_ELEM, e.errno());
    } else {
      String heldAt = e.errno() == Errno.EBUSY ? find(fd) : null;
      InsertAdvice.Target target =
          new InsertAdvice.Target(
              typeName, map.name(), map.type() == SOCKMAP, map.maxEntries(), text);
      advice = InsertAdvice.of(e.errno(), fd, target, heldAt);
      if (advice == null) {
        advice = FailureAdvice.of(BpfCommand.MAP_UPDATE_ELEM, e.errno());
      }
    }
    return new BpfException(operation, e.errno(), advice, e);
  }

  /** Where this map holds the socket {@code fd}, or {@code null} if not found or not searched. */
  private String find(int fd) {
    if (map.valueSize() != Long.BYTES || map.maxEntries() > BUSY_SEARCH_LIMIT) {
      return null;
    }
    try {
      long cookie = Sockets.cookie(fd);
      for (byte[] key : keys()) {
        OptionalLong present = cookie(key);
        if (present.isPresent() && present.getAsLong() == cookie) {
          return (map.type() == SOCKMAP ? "index " : "key ") + keyText.apply(key);
        }
      }
    } catch (RuntimeException e) {
      // The search only refines the message; the kernel's refusal is what gets reported.
    }
    return null;
  }
}
