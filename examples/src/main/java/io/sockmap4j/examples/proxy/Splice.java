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

  /**
   * Out through the peer socket; dropped if the peer is gone (the pair is closing).
   *
   * <p>Without a stream parser (Linux 5.10+), the kernel also hands the verdict the peer's FIN, as
   * an empty message. Redirected, it breaks the target socket's spliced output (Linux 6.18: reads
   * on the target fail with ECONNRESET and nothing more is sent through it); passed, it reaches the
   * socket's own queue, where the proxy sees end-of-stream and forwards it.
   */
  @SkSkbVerdict(map = "spliced")
  static Verdict forward(SkBuff skb) {
    if (skb.len() == 0) {
      return Verdict.PASS;
    }
    return peers.redirect(skb, skb.socketCookie());
  }
}
