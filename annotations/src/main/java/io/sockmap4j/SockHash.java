package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a kernel {@code BPF_MAP_TYPE_SOCKHASH}: sockets stored under keys of any fixed size.
 *
 * <p>Put it on a {@code static} field of type {@link SocketHash SocketHash&lt;K&gt;}. The key type
 * {@code K} is {@code Integer}, {@code Long}, {@code Short}, {@code Byte} (stored as the primitive)
 * or a {@code record} whose components are such primitives (stored with C layout and alignment, in
 * the machine's byte order, padding zeroed; the generated Loader encodes keys the same way). The
 * field is never assigned in Java; the generated {@code <Class>Loader} creates the map and exposes
 * a typed accessor named after the field.
 *
 * <p>Compiles to a SOCKHASH with {@code key_size = sizeof(K)} and {@code value_size 8}. Needs Linux
 * 4.18 and {@code CAP_NET_ADMIN}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface SockHash {
  /** Most sockets the map holds at once. */
  int maxEntries();
}
