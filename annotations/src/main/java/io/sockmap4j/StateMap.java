package io.sockmap4j;

/**
 * A HASH or LRU_HASH map as programs see it: values of type {@code V} under keys of type {@code K}
 * (see {@link BpfHash} for the allowed types). Declare it as a {@code static} field annotated
 * {@link BpfHash} or {@link BpfLruHash}; the field stays {@code null} in Java, and its methods are
 * only meaningful inside programs compiled by sockmap4j. From Java, use the generated Loader's
 * {@code StateMapHandle}.
 *
 * <p>There is no {@code get} that could return {@code null}: a lookup names the value to use when
 * the key is absent ({@link #getOrDefault}), so a program cannot forget the missing case. Each
 * method compiles to one or two kernel helper calls with the key (and value) laid out on the
 * program's stack; keys and values must have exactly the map's types ({@code 1L} for a {@code
 * Long}, not {@code 1}), as Java's boxing rules say.
 *
 * @param <K> the key type: a boxed primitive or a record of primitives
 * @param <V> the value type: a boxed primitive or a record of primitives
 */
public interface StateMap<K, V> {
  /**
   * The value stored under {@code key}, copied out of the map, or {@code fallback} when there is
   * none ({@code bpf_map_lookup_elem}). Both arguments are evaluated first, as in Java.
   */
  V getOrDefault(K key, V fallback);

  /** Whether a value is stored under {@code key}. */
  boolean containsKey(K key);

  /**
   * Stores {@code value} under {@code key}, replacing any value there ({@code bpf_map_update_elem}
   * with {@code BPF_ANY}).
   *
   * @return {@code false} when the kernel refused: a full HASH has no room for a new key
   */
  boolean put(K key, V value);

  /**
   * Stores {@code value} under {@code key} only if the key is absent ({@code BPF_NOEXIST}).
   *
   * @return {@code true} when stored; {@code false} when the key was present (or the map full)
   */
  boolean putIfAbsent(K key, V value);

  /**
   * Removes the value under {@code key} ({@code bpf_map_delete_elem}).
   *
   * @return {@code false} when there was none
   */
  boolean remove(K key);

  /**
   * Adds {@code delta} to the {@code Integer} or {@code Long} value under {@code key} with one
   * atomic instruction ({@code lock *(u64 *)(value) += delta}), so that programs running on several
   * CPUs at once lose no update. For an {@code Integer} value the delta is narrowed to {@code int}
   * and the sum wraps as Java's {@code int} arithmetic does.
   *
   * <p>A missing key is inserted with the value {@code delta} ({@code BPF_NOEXIST}); when another
   * CPU inserted it first, the delta is added to that value instead.
   *
   * @return {@code false} when the delta could not be counted: the key was absent and the map is
   *     full (a HASH; an LRU_HASH evicts instead)
   */
  boolean add(K key, long delta);
}
