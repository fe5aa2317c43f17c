package io.sockmap4j;

/**
 * A PERCPU_ARRAY map as programs see it: like {@link ArrayMap}, but each index holds one value per
 * CPU, and a program reads and changes only the value of the CPU it runs on (see {@link
 * BpfPerCpuArray}). Counters kept this way never contend between CPUs; the Loader's {@code
 * PerCpuArrayHandle} lists every CPU's value or sums them.
 *
 * @param <V> the value type: a boxed primitive or a record of primitives
 */
public interface PerCpuArray<V> {
  /** This CPU's value at {@code index}, or {@code fallback} when the index is outside the array. */
  V getOrDefault(int index, V fallback);

  /**
   * Stores {@code value} as this CPU's value at {@code index}.
   *
   * @return {@code false} when the index is outside the array
   */
  boolean put(int index, V value);

  /**
   * Adds {@code delta} to this CPU's {@code Integer} or {@code Long} value at {@code index}; see
   * {@link StateMap#add}.
   *
   * @return {@code false} when the index is outside the array
   */
  boolean add(int index, long delta);
}
