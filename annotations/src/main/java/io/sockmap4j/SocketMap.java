package io.sockmap4j;

/**
 * A SOCKMAP as programs see it: sockets indexed by {@code int}. Declare it as a {@code static}
 * field annotated {@link SockMap}; the field stays {@code null} in Java, and its methods are only
 * meaningful inside programs compiled by sockmap4j.
 *
 * <p>Each {@code redirect} compiles to {@code bpf_sk_redirect_map} (SK_SKB) or {@code
 * bpf_msg_redirect_map} (SK_MSG) and returns {@link Verdict#PASS} when a socket is stored under the
 * key and {@link Verdict#DROP} when none is; return its result from the verdict.
 */
public interface SocketMap {
  /** Redirects received data out through the socket at {@code index} (egress). */
  Verdict redirect(SkBuff skb, int index);

  /** Redirects received data to the socket at {@code index}; {@code direction} is a constant. */
  Verdict redirect(SkBuff skb, int index, Direction direction);

  /** Redirects sent data out through the socket at {@code index} (egress). */
  Verdict redirect(SkMsg msg, int index);

  /** Redirects sent data to the socket at {@code index}; {@code direction} is a constant. */
  Verdict redirect(SkMsg msg, int index, Direction direction);
}
