package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a stream verdict: {@code static Verdict name(SkBuff skb)}.
 *
 * <p>Compiles to a {@code BPF_PROG_TYPE_SK_SKB} program attached to the map named by {@link #map()}
 * as {@code BPF_SK_SKB_STREAM_VERDICT}. It runs on every message received by a socket in the map
 * (framed by the map's {@link SkSkbParser}, or per received chunk without one) and decides its
 * fate: {@link Verdict#PASS} delivers it to the socket itself, {@link Verdict#DROP} discards it,
 * and {@code map.redirect(skb, key)} moves it to another socket inside the kernel. Needs Linux 4.14
 * with a parser, 5.10 without one.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface SkSkbVerdict {
  /** Name of the {@link SockMap} or {@link SockHash} field this verdict is attached to. */
  String map();
}
