package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.OwnedFd;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel map created by a {@link BpfObject}, with raw byte-array access.
 *
 * <p>Keys and values are the kernel's bytes, in the host's byte order; their lengths must equal
 * {@link #keySize()} and {@link #valueSize()}. For sockets in SOCKMAP and SOCKHASH maps, {@link
 * SockMapHandle} and {@link SockHashHandle} are the convenient way in.
 *
 * <p>Keys and values pass through native memory for each call. A map lives as long as its {@link
 * BpfObject}; after the object is closed every operation throws {@link IllegalStateException}.
 * Operations are thread-safe.
 */
public final class BpfMap {

  private static final int SOCKMAP = 15;

  private final String name;
  private final int type;
  private final int keySize;
  private final int valueSize;
  private final int maxEntries;
  private final int id;
  private final OwnedFd fd;

  BpfMap(ObjectSpec.MapSpec spec, OwnedFd fd, int id) {
    this.name = spec.name();
    this.type = spec.type();
    this.keySize = spec.keySize();
    this.valueSize = spec.valueSize();
    this.maxEntries = spec.maxEntries();
    this.fd = fd;
    this.id = id;
  }

  /** The map's name as declared in Java (the kernel may hold a truncated form). */
  public String name() {
    return name;
  }

  /** The kernel map type, such as 15 (SOCKMAP) or 18 (SOCKHASH). */
  public int type() {
    return type;
  }

  /** The key size in bytes. */
  public int keySize() {
    return keySize;
  }

  /** The value size in bytes. */
  public int valueSize() {
    return valueSize;
  }

  /** The maximum number of entries. */
  public int maxEntries() {
    return maxEntries;
  }

  /** The kernel's id for this map, as {@code bpftool map show} lists it. */
  public int id() {
    return id;
  }

  /**
   * The map's file descriptor, for code that issues its own system calls. It stays valid until the
   * owning {@link BpfObject} is closed; do not close it.
   *
   * @throws IllegalStateException if the object is closed
   */
  public int fd() {
    int value = fd.acquire();
    fd.release();
    return value;
  }

  /**
   * Inserts or replaces an element ({@code BPF_MAP_UPDATE_ELEM}).
   *
   * @param flags {@code BPF_ANY} 0, {@code BPF_NOEXIST} 1 or {@code BPF_EXIST} 2
   * @throws BpfException if the kernel refuses
   */
  public void update(byte[] key, byte[] value, long flags) {
    checkSize(key, keySize, "key");
    checkSize(value, valueSize, "value");
    int mapFd = fd.acquire();
    try {
      Bpf.mapUpdate(name, mapFd, key, value, flags);
    } finally {
      fd.release();
    }
  }

  /** The value stored under {@code key}, or {@code null} when there is none. */
  public byte[] lookup(byte[] key) {
    checkSize(key, keySize, "key");
    int mapFd = fd.acquire();
    try {
      return Bpf.mapLookup(name, mapFd, key, valueSize);
    } finally {
      fd.release();
    }
  }

  /**
   * Removes the element under {@code key}; {@code false} when there was none.
   *
   * <p>A SOCKMAP answers a delete of an empty or out-of-range index with EINVAL rather than ENOENT;
   * that also reads as {@code false}.
   */
  public boolean delete(byte[] key) {
    checkSize(key, keySize, "key");
    int mapFd = fd.acquire();
    try {
      return Bpf.mapDelete(name, mapFd, key);
    } catch (BpfException e) {
      if (type == SOCKMAP && e.errno() == Errno.EINVAL) {
        return false;
      }
      throw e;
    } finally {
      fd.release();
    }
  }

  /**
   * The key after {@code key} in the kernel's iteration order, or {@code null} at the end.
   *
   * @param key the current key, or {@code null} for the first key
   */
  public byte[] nextKey(byte[] key) {
    if (key != null) {
      checkSize(key, keySize, "key");
    }
    int mapFd = fd.acquire();
    try {
      return Bpf.mapNextKey(name, mapFd, key, keySize);
    } finally {
      fd.release();
    }
  }

  /**
   * Deletes every entry. A SOCKMAP lists every index as a key, so the pass ends when a round
   * deletes nothing; entries added concurrently may survive.
   */
  void clear() {
    for (int round = 0; round < 4; round++) {
      List<byte[]> keys = new ArrayList<>();
      for (byte[] key = nextKey(null);
          key != null && keys.size() <= maxEntries();
          key = nextKey(key)) {
        keys.add(key);
      }
      boolean deleted = false;
      for (byte[] key : keys) {
        deleted |= delete(key);
      }
      if (!deleted) {
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "BpfMap[" + name + ", type " + type + ", id " + id + "]";
  }

  OwnedFd ownedFd() {
    return fd;
  }

  void close() {
    fd.close();
  }

  private void checkSize(byte[] bytes, int expected, String what) {
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          "map "
              + name
              + " has "
              + what
              + " size "
              + expected
              + ", got "
              + bytes.length
              + " bytes");
    }
  }
}
