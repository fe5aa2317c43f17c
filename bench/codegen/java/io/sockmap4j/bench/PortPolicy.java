package io.sockmap4j.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/** A receive-side port filter: an if/else chain over both ports. C twin: {@code c/PortPolicy.c}. */
public final class PortPolicy {
  private PortPolicy() {}

  static final int HTTP = 80;
  static final int HTTPS = 443;
  static final int ADMIN = 8443;
  static final int EPHEMERAL_LOW = 32768;

  @SockMap(maxEntries = 64)
  static SocketMap guarded;

  @SkSkbVerdict(map = "guarded")
  static Verdict filter(SkBuff skb) {
    int local = skb.localPort();
    int remote = skb.remotePort();
    if (local == ADMIN) {
      if (remote < 1024) {
        return Verdict.PASS;
      } else {
        return Verdict.DROP;
      }
    } else if (local == HTTP || local == HTTPS) {
      return Verdict.PASS;
    } else if (remote >= EPHEMERAL_LOW) {
      return Verdict.DROP;
    } else if (skb.len() > 65536) {
      return Verdict.DROP;
    }
    return Verdict.PASS;
  }
}
