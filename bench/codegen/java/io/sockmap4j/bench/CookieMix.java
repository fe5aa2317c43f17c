package io.sockmap4j.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * Long arithmetic and narrowing casts: a Fibonacci hash of the socket cookie, mixed with the ports,
 * chooses the SOCKHASH key. C twin: {@code c/CookieMix.c}.
 */
public final class CookieMix {
  private CookieMix() {}

  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  @SockHash(maxEntries = 4096)
  static SocketHash<Long> shards;

  @SkSkbVerdict(map = "shards")
  static Verdict verdict(SkBuff skb) {
    long cookie = skb.socketCookie();
    long h = cookie * GOLDEN;
    int top = (int) (h >>> 52);
    long ports = ((long) skb.localPort() << 16) | skb.remotePort();
    short low = (short) (h ^ ports);
    byte tag = (byte) (top + low);
    long key = ((long) top << 32) + ((long) low << 8) + tag;
    return shards.redirect(skb, key);
  }
}
