package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a stream parser: {@code static int name(SkBuff skb)}.
 *
 * <p>Compiles to a {@code BPF_PROG_TYPE_SK_SKB} program attached to the map named by {@link #map()}
 * as {@code BPF_SK_SKB_STREAM_PARSER}. The kernel's strparser calls it on received TCP data of
 * every socket in the map; the return value is the length of the next message ({@code > 0}), {@code
 * 0} for "need more data", or a negative value for an error (the socket breaks). {@code return
 * skb.len();} treats each received chunk as one message. Each message then goes to the map's {@link
 * SkSkbVerdict}. A parser must be read-only. Needs Linux 4.14.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface SkSkbParser {
  /** Name of the {@link SockMap} or {@link SockHash} field this parser is attached to. */
  String map();
}
