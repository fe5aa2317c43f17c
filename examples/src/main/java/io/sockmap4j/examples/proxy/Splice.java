package io.sockmap4j.examples.proxy;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * The data path of a TCP proxy: bytes received on one socket of a pair leave through the other.
 *
 * <p>Two maps, so that a pair is switched on atomically. {@link #peers} maps each socket's cookie
 * to the socket its bytes go to; it has no programs, so putting a socket in it changes nothing
 * about that socket. {@link #spliced} carries the verdict: a socket's received bytes are redirected
 * from the moment it is put there. The proxy fills {@code peers} for both sockets of a pair first,
 * then puts both into {@code spliced}; no byte can arrive while its peer is missing.
 */
public final class Splice {
  private Splice() {}

  /** Sockets whose received bytes are spliced to their peer. */
  @SockHash(maxEntries = 65536)
  static SocketHash<Long> spliced;

  /** For each socket's cookie, the socket that receives its bytes. */
  @SockHash(maxEntries = 65536)
  static SocketHash<Long> peers;

  /** Out through the peer socket; dropped if the peer is gone (the pair is closing). */
  @SkSkbVerdict(map = "spliced")
  static Verdict forward(SkBuff skb) {
    return peers.redirect(skb, skb.socketCookie());
  }
}
