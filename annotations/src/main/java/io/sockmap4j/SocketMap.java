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

  /**
   * Inserts the socket of a {@link SockOps} event into this map under {@code index}, replacing any
   * socket stored there ({@code bpf_sock_map_update} with {@code BPF_ANY}). Returns whether the
   * socket was inserted: only during {@link SockOpsContext#ACTIVE_ESTABLISHED_CB}, {@link
   * SockOpsContext#PASSIVE_ESTABLISHED_CB} and {@link SockOpsContext#TCP_LISTEN_CB}, and only for a
   * socket the map accepts; the socket takes the map's SK_SKB and SK_MSG programs. Linux 4.17.
   */
  boolean update(SockOpsContext ops, int index);

  /**
   * Like {@link #update(SockOpsContext, int)}, but leaves a socket already stored under {@code
   * index} in place and returns {@code false} ({@code BPF_NOEXIST}).
   */
  boolean updateIfAbsent(SockOpsContext ops, int index);
}
