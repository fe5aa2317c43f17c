package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a kernel {@code BPF_MAP_TYPE_SOCKMAP}: an array of sockets indexed by {@code int}.
 *
 * <p>Put it on a {@code static} field of type {@link SocketMap}. The field is never assigned in
 * Java; programs use it to name the map ({@code peers.redirect(skb, 3)}), and the generated {@code
 * <Class>Loader} creates the map and exposes a typed accessor named after the field.
 *
 * <p>Compiles to a SOCKMAP with {@code key_size 4} and {@code value_size 8} (so that a lookup from
 * user space returns the socket cookie). Needs Linux 4.14 and {@code CAP_NET_ADMIN}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface SockMap {
  /** Number of slots; keys run from 0 to {@code maxEntries - 1}. */
  int maxEntries();
}
