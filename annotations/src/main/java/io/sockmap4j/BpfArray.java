package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a kernel {@code BPF_MAP_TYPE_ARRAY}: {@code maxEntries} values of type {@code V} at
 * {@code int} indexes 0 to {@code maxEntries - 1}, all present from the start (zero) and never
 * removed.
 *
 * <p>Put it on a {@code static} field of type {@link ArrayMap ArrayMap&lt;V&gt;}; {@code V} as for
 * {@link BpfHash}. Compiles to an ARRAY with {@code key_size 4}, {@code value_size = sizeof(V)}.
 * Needs Linux 4.14 and {@code CAP_BPF} ({@code CAP_SYS_ADMIN} before 5.8).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BpfArray {
  /** Number of elements. */
  int maxEntries();
}
