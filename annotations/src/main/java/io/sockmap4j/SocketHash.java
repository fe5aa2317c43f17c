package io.sockmap4j;

/**
 * A SOCKHASH as programs see it: sockets stored under keys of type {@code K} (see {@link SockHash}
 * for the allowed key types). Declare it as a {@code static} field annotated {@link SockHash}; the
 * field stays {@code null} in Java, and its methods are only meaningful inside programs compiled by
 * sockmap4j.
 *
 * <p>Each {@code redirect} compiles to {@code bpf_sk_redirect_hash} (SK_SKB) or {@code
 * bpf_msg_redirect_hash} (SK_MSG) with the key laid out on the program's stack, and returns {@link
 * Verdict#PASS} when a socket is stored under the key and {@link Verdict#DROP} when none is; return
 * its result from the verdict.
 *
 * @param <K> the key type: a boxed primitive or a record of primitives
 */
public interface SocketHash<K> {
  /** Redirects received data out through the socket stored under {@code key} (egress). */
  Verdict redirect(SkBuff skb, K key);

  /** Redirects received data to the socket under {@code key}; {@code direction} is a constant. */
  Verdict redirect(SkBuff skb, K key, Direction direction);

  /** Redirects sent data out through the socket stored under {@code key} (egress). */
  Verdict redirect(SkMsg msg, K key);

  /** Redirects sent data to the socket under {@code key}; {@code direction} is a constant. */
  Verdict redirect(SkMsg msg, K key, Direction direction);
}
