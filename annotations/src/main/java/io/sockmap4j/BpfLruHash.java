package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a kernel {@code BPF_MAP_TYPE_LRU_HASH}: a {@link BpfHash} that, when full, evicts the
 * least recently used keys to make room instead of refusing new ones (per-connection state that
 * must never stop being recorded).
 *
 * <p>Put it on a {@code static} field of type {@link StateMap StateMap&lt;K, V&gt;}; keys and
 * values as for {@link BpfHash}. Needs Linux 4.10 and {@code CAP_BPF} ({@code CAP_SYS_ADMIN} before
 * 5.8).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BpfLruHash {
  /** Capacity; beyond it the least recently used keys are evicted. */
  int maxEntries();
}
