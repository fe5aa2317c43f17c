package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Bpf;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access from Java to a PERCPU_ARRAY map (map type 6) that programs use as a {@code
 * PerCpuArray<V>}: at each index one value per possible CPU. Programs change the value of the CPU
 * they run on; this handle reads all of them ({@link #values(int)}) or their sum ({@link
 * #sum(int)}).
 *
 * <p>The kernel exchanges per-CPU values with user space as one buffer holding, for every possible
 * CPU (the CPUs in {@code /sys/devices/system/cpu/possible}, online or not), the value rounded up
 * to 8 bytes. Safe for concurrent use; programs may change values during a read. Needs Linux 4.14.
 *
 * @param <V> the Java value type
 */
public final class PerCpuArrayHandle<V> {
  private static final int PERCPU_ARRAY = 6;

  private final BpfMap map;
  private final KeyCodec<V> values;
  private final int cpus;
  private final int stride;

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not a PERCPU_ARRAY, or its value size differs
   *     from {@code values.size()}
   */
  public PerCpuArrayHandle(BpfMap map, KeyCodec<V> values) {
    if (map.type() != PERCPU_ARRAY) {
      throw new IllegalArgumentException(
          map + " is not a PERCPU_ARRAY map; wrap it with the handle for its type");
    }
    Codecs.checkSizes(map, KeyCodec.INT, values);
    this.map = map;
    this.values = values;
    this.cpus = PossibleCpus.count();
    this.stride = (map.valueSize() + 7) & ~7;
  }

  /** The wrapped map. */
  public BpfMap map() {
    return map;
  }

  /** The number of elements (the map's max_entries). */
  public int length() {
    return map.maxEntries();
  }

  /** The number of possible CPUs: the size of every {@link #values(int)} list. */
  public int possibleCpus() {
    return cpus;
  }

  /**
   * Every possible CPU's value at {@code index}, in CPU order.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
   */
  public List<V> values(int index) {
    byte[] key = ArrayMapHandle.checkedIndex(map, index);
    byte[] all;
    int fd = map.ownedFd().acquire();
    try {
      all = Bpf.mapLookup(map.name(), fd, key, stride * cpus);
    } finally {
      map.ownedFd().release();
    }
    List<V> result = new ArrayList<>(cpus);
    for (int cpu = 0; cpu < cpus; cpu++) {
      result.add(Codecs.decode(values, all, cpu * stride));
    }
    return result;
  }

  /**
   * The sum over every CPU of the {@code Integer}, {@code Long}, {@code Short} or {@code Byte}
   * value at {@code index}, as a {@code long} (no overflow for fewer than 2^32 CPUs of int
   * counters).
   *
   * @throws UnsupportedOperationException if the values are not numbers (records)
   */
  public long sum(int index) {
    long sum = 0;
    for (V value : values(index)) {
      if (!(value instanceof Number n)) {
        throw new UnsupportedOperationException(
            map.name()
                + " holds "
                + value.getClass().getSimpleName()
                + " values; sum() adds numbers. Use values(index).");
      }
      sum += n.longValue();
    }
    return sum;
  }

  /**
   * Stores {@code value} as every CPU's value at {@code index} (for example 0 to reset a counter).
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
   */
  public void put(int index, V value) {
    byte[] key = ArrayMapHandle.checkedIndex(map, index);
    byte[] all = new byte[stride * cpus];
    for (int cpu = 0; cpu < cpus; cpu++) {
      Codecs.encode(values, value, all, cpu * stride);
    }
    int fd = map.ownedFd().acquire();
    try {
      Bpf.mapUpdate(map.name(), fd, key, all, Codecs.BPF_ANY);
    } finally {
      map.ownedFd().release();
    }
  }

  @Override
  public String toString() {
    return "PerCpuArrayHandle[" + map.name() + ", " + cpus + " CPUs]";
  }
}
