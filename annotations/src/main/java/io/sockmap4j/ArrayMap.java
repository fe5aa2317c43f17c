package io.sockmap4j;

/**
 * An ARRAY map as programs see it: values of type {@code V} at {@code int} indexes 0 to {@code
 * maxEntries - 1} (see {@link BpfArray}). Every index holds a value from the start (zero, or what
 * the Loader stored); indexes cannot be removed. Declare it as a {@code static} field annotated
 * {@link BpfArray}; its methods are only meaningful inside programs compiled by sockmap4j. From
 * Java, use the generated Loader's {@code ArrayMapHandle}.
 *
 * @param <V> the value type: a boxed primitive or a record of primitives
 */
public interface ArrayMap<V> {
  /**
   * The value at {@code index}, copied out of the map, or {@code fallback} when the index is
   * outside the array.
   */
  V getOrDefault(int index, V fallback);

  /**
   * Stores {@code value} at {@code index}.
   *
   * @return {@code false} when the index is outside the array
   */
  boolean put(int index, V value);

  /**
   * Adds {@code delta} to the {@code Integer} or {@code Long} value at {@code index} with one
   * atomic instruction; see {@link StateMap#add}.
   *
   * @return {@code false} when the index is outside the array
   */
  boolean add(int index, long delta);
}
