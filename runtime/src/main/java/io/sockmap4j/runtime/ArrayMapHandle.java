package io.sockmap4j.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed access from Java to an ARRAY map (map type 2) that programs use as an {@code ArrayMap<V>}:
 * {@link #length()} values at indexes 0 to {@code length() - 1}, all present from creation (zero)
 * and never removed. Values are encoded by a {@link KeyCodec} into the C layout the programs see.
 *
 * <p>Each {@link #get} and {@link #put} is one {@code bpf()} call; a program may change a value
 * right after it was read. Safe for concurrent use. Needs Linux 4.14.
 *
 * @param <V> the Java value type
 */
public final class ArrayMapHandle<V> {
  private static final int ARRAY = 2;

  private final BpfMap map;
  private final KeyCodec<V> values;

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not an ARRAY, or its value size differs from
   *     {@code values.size()}
   */
  public ArrayMapHandle(BpfMap map, KeyCodec<V> values) {
    if (map.type() != ARRAY) {
      throw new IllegalArgumentException(
          map + " is not an ARRAY map; wrap it with the handle for its type");
    }
    Codecs.checkSizes(map, KeyCodec.INT, values);
    this.map = map;
    this.values = values;
  }

  /** The wrapped map. */
  public BpfMap map() {
    return map;
  }

  /** The number of elements (the map's max_entries). */
  public int length() {
    return map.maxEntries();
  }

  /**
   * The value at {@code index}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
   */
  public V get(int index) {
    byte[] value = map.lookup(index(index));
    if (value == null) {
      throw new IndexOutOfBoundsException("index " + index + " of " + map);
    }
    return Codecs.decode(values, value);
  }

  /**
   * Stores {@code value} at {@code index}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
   */
  public void put(int index, V value) {
    map.update(index(index), Codecs.encode(values, value), Codecs.BPF_ANY);
  }

  /** Every value, by index. Not an atomic snapshot: one lookup per index. */
  public List<V> values() {
    List<V> result = new ArrayList<>(length());
    for (int i = 0; i < length(); i++) {
      result.add(get(i));
    }
    return result;
  }

  private byte[] index(int index) {
    return checkedIndex(map, index);
  }

  /** The 4-byte key of an array index, after a range check that names the map. */
  static byte[] checkedIndex(BpfMap map, int index) {
    if (index < 0 || index >= map.maxEntries()) {
      throw new IndexOutOfBoundsException(
          "index "
              + index
              + " is outside "
              + map
              + ", which has "
              + map.maxEntries()
              + " elements");
    }
    return Codecs.encode(KeyCodec.INT, index);
  }

  @Override
  public String toString() {
    return "ArrayMapHandle[" + map.name() + "]";
  }
}
