package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a kernel {@code BPF_MAP_TYPE_HASH}: values of type {@code V} under keys of type {@code
 * K}, for counters and configuration shared by programs and the Loader.
 *
 * <p>Put it on a {@code static} field of type {@link StateMap StateMap&lt;K, V&gt;}. {@code K} and
 * {@code V} are each {@code Byte}, {@code Short}, {@code Integer}, {@code Long} (stored as the
 * primitive) or a {@code record} whose components are primitives (stored with C layout, in the
 * machine's byte order, padding zeroed). The field is never assigned in Java; the generated {@code
 * <Class>Loader} creates the map and exposes a typed {@code StateMapHandle} named after the field.
 *
 * <p>A full map refuses new keys: {@link StateMap#put} then returns {@code false}. Compiles to a
 * HASH with {@code key_size = sizeof(K)}, {@code value_size = sizeof(V)}. Needs Linux 4.14 and
 * {@code CAP_BPF} ({@code CAP_SYS_ADMIN} before 5.8).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BpfHash {
  /** Most keys the map holds at once. */
  int maxEntries();
}
