package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an skb verdict: {@code static Verdict name(SkBuff skb)}.
 *
 * <p>Compiles to a {@code BPF_PROG_TYPE_SK_SKB} program attached to the map named by {@link #map()}
 * as {@code BPF_SK_SKB_VERDICT} (Linux 5.13). Unlike the stream verdict ({@link SkSkbVerdict}) it
 * runs without a stream parser on every skb a socket in the map receives, and it works for UDP and
 * AF_UNIX sockets as well as TCP. Its verdicts are those of {@link SkSkbVerdict}: {@link
 * Verdict#PASS}, {@link Verdict#DROP}, or {@code map.redirect(skb, key)}.
 *
 * <p>A map holds a stream verdict or an skb verdict, never both (the kernel refuses the second with
 * {@code EBUSY}), and a stream parser only runs before a stream verdict: declaring an {@code
 * SkbVerdict} with an {@link SkSkbVerdict} or an {@link SkSkbParser} on one map is a compile error
 * ({@code [sockmap4j.ConflictingPrograms]}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface SkbVerdict {
  /** Name of the {@link SockMap} or {@link SockHash} field this verdict is attached to. */
  String map();
}
