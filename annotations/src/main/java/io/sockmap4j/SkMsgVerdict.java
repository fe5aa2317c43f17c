package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a message verdict on the send side: {@code static Verdict name(SkMsg msg)}.
 *
 * <p>Compiles to a {@code BPF_PROG_TYPE_SK_MSG} program attached to the map named by {@link #map()}
 * as {@code BPF_SK_MSG_VERDICT}. It runs on {@code sendmsg}/{@code sendfile} of every TCP socket in
 * the map: {@link Verdict#PASS} sends normally, {@link Verdict#DROP} makes the sender's {@code
 * send()} fail with {@code EACCES}, and {@code map.redirect(msg, key, Direction.INGRESS)} queues
 * the bytes straight onto another local socket's receive queue, bypassing TCP/IP. Needs Linux 4.17
 * (4.18 for SOCKHASH).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface SkMsgVerdict {
  /** Name of the {@link SockMap} or {@link SockHash} field this verdict is attached to. */
  String map();
}
