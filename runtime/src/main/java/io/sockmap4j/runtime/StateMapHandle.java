package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed access from Java to a HASH (map type 1) or LRU_HASH (type 9) map that programs use as a
 * {@code StateMap<K, V>}: keys and values are encoded by {@link KeyCodec}s into the C layout the
 * programs see, so a value a program counted reads back as the same number here.
 *
 * <p>Each operation is one {@code bpf()} call that the kernel applies atomically to one key, so the
 * handle is safe to use from many threads and while programs run. {@link #keys()}, {@link
 * #entries()} and {@link #size()} walk the map and are not atomic snapshots: a key added or removed
 * meanwhile may or may not be listed, and a value may change right after it was read. Needs Linux
 * 4.14 (LRU_HASH 4.10).
 *
 * @param <K> the Java key type
 * @param <V> the Java value type
 */
public final class StateMapHandle<K, V> {
  private static final int HASH = 1;
  private static final int LRU_HASH = 9;

  private final BpfMap map;
  private final KeyCodec<K> keys;
  private final KeyCodec<V> values;

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not a HASH or LRU_HASH, or its key or value size
   *     differs from the codec's
   */
  public StateMapHandle(BpfMap map, KeyCodec<K> keys, KeyCodec<V> values) {
    if (map.type() != HASH && map.type() != LRU_HASH) {
      throw new IllegalArgumentException(
          map + " is not a HASH or LRU_HASH map; wrap it with the handle for its type");
    }
    Codecs.checkSizes(map, keys, values);
    this.map = map;
    this.keys = keys;
    this.values = values;
  }

  /** The wrapped map. */
  public BpfMap map() {
    return map;
  }

  /** The value under {@code key}, or empty when there is none. */
  public Optional<V> get(K key) {
    byte[] value = map.lookup(Codecs.encode(keys, key));
    return value == null ? Optional.empty() : Optional.of(Codecs.decode(values, value));
  }

  /** The value under {@code key}, or {@code fallback} when there is none. */
  public V getOrDefault(K key, V fallback) {
    return get(key).orElse(fallback);
  }

  /** Whether a value is stored under {@code key}. */
  public boolean containsKey(K key) {
    return map.lookup(Codecs.encode(keys, key)) != null;
  }

  /**
   * Stores {@code value} under {@code key}, replacing any value there ({@code BPF_ANY}).
   *
   * @throws BpfException if the kernel refuses, such as E2BIG for a new key in a full HASH
   */
  public void put(K key, V value) {
    map.update(Codecs.encode(keys, key), Codecs.encode(values, value), Codecs.BPF_ANY);
  }

  /**
   * Stores {@code value} under {@code key} only if the key is absent ({@code BPF_NOEXIST}).
   *
   * @return {@code false}, changing nothing, when the key is present
   * @throws BpfException if the kernel refuses for another reason (E2BIG: full)
   */
  public boolean putIfAbsent(K key, V value) {
    return Codecs.updateUnless(
        map,
        Codecs.encode(keys, key),
        Codecs.encode(values, value),
        Codecs.BPF_NOEXIST,
        Errno.EEXIST);
  }

  /**
   * Replaces the value under {@code key} only if the key is present ({@code BPF_EXIST}).
   *
   * @return {@code false}, changing nothing, when the key is absent
   */
  public boolean replace(K key, V value) {
    return Codecs.updateUnless(
        map,
        Codecs.encode(keys, key),
        Codecs.encode(values, value),
        Codecs.BPF_EXIST,
        Errno.ENOENT);
  }

  /** Removes the value under {@code key}; {@code false} when there was none. */
  public boolean remove(K key) {
    return map.delete(Codecs.encode(keys, key));
  }

  /** The keys present, in the kernel's iteration order; each at most once (not atomic). */
  public List<K> keys() {
    List<K> result = new ArrayList<>();
    for (byte[] key : rawKeys(map)) {
      result.add(Codecs.decode(keys, key));
    }
    return result;
  }

  /**
   * The keys and values present, in the kernel's iteration order: one lookup per key, so a key
   * removed during the walk is left out. Not an atomic snapshot.
   */
  public Map<K, V> entries() {
    Map<K, V> result = new LinkedHashMap<>();
    for (byte[] key : rawKeys(map)) {
      byte[] value = map.lookup(key);
      if (value != null) {
        result.put(Codecs.decode(keys, key), Codecs.decode(values, value));
      }
    }
    return result;
  }

  /** The number of keys: one system call per key (O(n)), not atomic. */
  public int size() {
    return rawKeys(map).size();
  }

  /** Removes every key present when the walk reaches it; keys added concurrently may survive. */
  public void clear() {
    for (byte[] key : rawKeys(map)) {
      map.delete(key);
    }
  }

  /**
   * The keys of a hash map ({@code BPF_MAP_GET_NEXT_KEY}). The kernel restarts the walk when the
   * current key is removed concurrently; keys are deduplicated and the walk is bounded.
   */
  static List<byte[]> rawKeys(BpfMap map) {
    List<byte[]> result = new ArrayList<>();
    Set<ByteBuffer> seen = new HashSet<>();
    long steps = 4L * map.maxEntries() + 64;
    for (byte[] key = map.nextKey(null); key != null && steps-- > 0; key = map.nextKey(key)) {
      if (seen.add(ByteBuffer.wrap(key))) {
        result.add(key);
      }
    }
    return result;
  }

  @Override
  public String toString() {
    return "StateMapHandle[" + map.name() + "]";
  }
}
