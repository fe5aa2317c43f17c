package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.SocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * What {@link SockMapHandle} and {@link SockHashHandle} share: putting socket fds into a
 * SOCKMAP/SOCKHASH, kicking them, reading cookies, and explaining refusals.
 */
final class SocketSlots {

  static final int SOCKMAP = 15;
  static final int SOCKHASH = 18;
  private static final long BPF_ANY = 0;

  private final BpfMap map;
  private final String typeName;

  SocketSlots(BpfMap map, int expectedType, String typeName) {
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
  }

  BpfMap map() {
    return map;
  }

  /** Stores {@code fd} under {@code key}, then kicks the socket so queued bytes are processed. */
  void put(byte[] key, String keyText, int fd) {
    store(key, keyText, fd);
    Sockets.kick(fd);
  }

  /**
   * Stores every socket, and only then kicks each one. A program that redirects between these
   * sockets therefore never runs while one of them is missing: with one {@link #put} after the
   * other, bytes already queued on the first could be forwarded (and answered, and the peer closed)
   * before the second is in. If a store fails, the entries stored by this call are removed (no
   * program has run on them yet) and the failure is thrown.
   */
  <K> void putAll(Map<K, SocketChannel> sockets, Function<K, byte[]> encode) {
    List<byte[]> keys = new ArrayList<>();
    List<String> keyTexts = new ArrayList<>();
    int[] fds = new int[sockets.size()];
    for (Map.Entry<K, SocketChannel> e : sockets.entrySet()) {
      fds[keys.size()] = Sockets.fd(e.getValue());
      keys.add(encode.apply(e.getKey()));
      keyTexts.add(String.valueOf(e.getKey()));
    }
    for (int i = 0; i < fds.length; i++) {
      try {
        store(keys.get(i), keyTexts.get(i), fds[i]);
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

  private void store(byte[] key, String keyText, int fd) {
    ByteBuffer value = ByteBuffer.allocate(map.valueSize()).order(ByteOrder.nativeOrder());
    if (map.valueSize() == Long.BYTES) {
      value.putLong(fd);
    } else {
      value.putInt(fd);
    }
    try {
      map.update(key, value.array(), BPF_ANY);
    } catch (BpfException e) {
      throw explainInsert(e, keyText, fd);
    }
  }

  boolean remove(byte[] key) {
    return map.delete(key);
  }

  /** The cookie of the socket under {@code key}, empty when there is none. */
  OptionalLong cookie(byte[] key) {
    if (map.valueSize() != Long.BYTES) {
      throw new UnsupportedOperationException(
          typeName
              + " "
              + map.name()
              + " has 4-byte values: the kernel answers lookups only for"
              + " 8-byte values (it returns the socket cookie); declare the map with 8-byte"
              + " values");
    }
    byte[] value = map.lookup(key);
    if (value == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong());
  }

  private BpfException explainInsert(BpfException e, String keyText, int fd) {
    String advice;
    switch (e.errno()) {
      case Errno.EOPNOTSUPP:
        advice =
            "the socket is not of a kind the map accepts. TCP sockets must be connected"
                + " (established) or listening; got fd "
                + fd
                + " "
                + SocketOptions.describe(fd);
        break;
      case Errno.EBUSY:
        advice =
            "the socket is already attached to another map's programs (a socket can carry"
                + " one set of programs): remove it from the other map first";
        break;
      case Errno.E2BIG:
        advice =
            map.type() == SOCKMAP
                ? "index "
                    + keyText
                    + " is out of range: "
                    + map.name()
                    + " has max_entries "
                    + map.maxEntries()
                    + " (indexes 0.."
                    + (map.maxEntries() - 1)
                    + ")"
                : map.name() + " is full (max_entries " + map.maxEntries() + ")";
        break;
      case Errno.EPERM:
      case Errno.EACCES:
        advice =
            "needs CAP_NET_ADMIN and CAP_BPF (run as root or grant the capabilities to the"
                + " java binary)";
        break;
      case Errno.EBADF:
        advice = "fd " + fd + " is not open";
        break;
      case Errno.ENOTSOCK:
        advice = "fd " + fd + " is not a socket";
        break;
      default:
        return e;
    }
    String operation =
        "put fd " + fd + " into " + typeName + " " + map.name() + "[" + keyText + "]";
    return new BpfException(operation, e.errno(), advice, e);
  }
}
