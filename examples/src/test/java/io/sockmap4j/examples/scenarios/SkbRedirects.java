package io.sockmap4j.examples.scenarios;

import io.sockmap4j.Direction;
import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Stream verdicts that send everything a socket in the map receives to the socket under key 1: out
 * through it (egress, to its peer) or into its own receive queue (ingress).
 */
final class SkbRedirects {
  private SkbRedirects() {}

  static final int TARGET = 1;

  @SockMap(maxEntries = 2)
  static SocketMap egressMap;

  @SockMap(maxEntries = 2)
  static SocketMap ingressMap;

  @SockHash(maxEntries = 2)
  static SocketHash<Integer> egressHash;

  @SockHash(maxEntries = 2)
  static SocketHash<Integer> ingressHash;

  @SkSkbVerdict(map = "egressMap")
  static Verdict egressOnMap(SkBuff skb) {
    return egressMap.redirect(skb, TARGET);
  }

  @SkSkbVerdict(map = "ingressMap")
  static Verdict ingressOnMap(SkBuff skb) {
    return ingressMap.redirect(skb, TARGET, Direction.INGRESS);
  }

  @SkSkbVerdict(map = "egressHash")
  static Verdict egressOnHash(SkBuff skb) {
    return egressHash.redirect(skb, TARGET, Direction.EGRESS);
  }

  @SkSkbVerdict(map = "ingressHash")
  static Verdict ingressOnHash(SkBuff skb) {
    return ingressHash.redirect(skb, TARGET, Direction.INGRESS);
  }
}
