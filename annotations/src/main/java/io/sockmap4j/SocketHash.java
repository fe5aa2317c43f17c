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

  /**
   * Inserts the socket of a {@link SockOps} event into this map under {@code key}, replacing any
   * socket stored there ({@code bpf_sock_hash_update} with {@code BPF_ANY}). Returns whether the
   * socket was inserted: only during {@link SockOpsContext#ACTIVE_ESTABLISHED_CB}, {@link
   * SockOpsContext#PASSIVE_ESTABLISHED_CB} and {@link SockOpsContext#TCP_LISTEN_CB}, and only for a
   * socket the map accepts; the socket takes the map's SK_SKB and SK_MSG programs. Linux 4.18.
   */
  boolean update(SockOpsContext ops, K key);

  /**
   * Like {@link #update(SockOpsContext, Object)}, but leaves a socket already stored under {@code
   * key} in place and returns {@code false} ({@code BPF_NOEXIST}).
   */
  boolean updateIfAbsent(SockOpsContext ops, K key);
}
