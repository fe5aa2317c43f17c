package io.sockmap4j.examples.scenarios;

import io.sockmap4j.Direction;
import io.sockmap4j.SkBuff;
import io.sockmap4j.SkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * skb verdicts (Linux 5.13) for UDP sockets: every datagram a socket in the map receives goes to
 * the socket under key 1, into its receive queue (ingress) or out through it (egress).
 */
final class SkbUdp {
  private SkbUdp() {}

  static final int TARGET = 1;

  @SockMap(maxEntries = 2)
  static SocketMap udpIngressMap;

  @SockHash(maxEntries = 2)
  static SocketHash<Integer> udpIngressHash;

  @SockMap(maxEntries = 2)
  static SocketMap udpEgressMap;

  @SkbVerdict(map = "udpIngressMap")
  static Verdict toMapIngress(SkBuff skb) {
    return udpIngressMap.redirect(skb, TARGET, Direction.INGRESS);
  }

  @SkbVerdict(map = "udpIngressHash")
  static Verdict toHashIngress(SkBuff skb) {
    return udpIngressHash.redirect(skb, TARGET, Direction.INGRESS);
  }

  @SkbVerdict(map = "udpEgressMap")
  static Verdict toMapEgress(SkBuff skb) {
    return udpEgressMap.redirect(skb, TARGET);
  }
}
