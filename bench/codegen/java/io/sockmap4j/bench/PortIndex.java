package io.sockmap4j.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/** Spreads connections over eight SOCKMAP slots by their ports. C twin: {@code c/PortIndex.c}. */
public final class PortIndex {
  private PortIndex() {}

  @SockMap(maxEntries = 8)
  static SocketMap workers;

  @SkSkbVerdict(map = "workers")
  static Verdict verdict(SkBuff skb) {
    return workers.redirect(skb, (skb.remotePort() ^ skb.localPort()) & 7);
  }
}
