package io.sockmap4j.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * SOCKHASH keyed by a record whose fields are mixed from the address and ports with arithmetic. C
 * twin: {@code c/HashMix.c}.
 */
public final class HashMix {
  private HashMix() {}

  /** Laid out like the C struct {@code mix_key}: int, int, short + 2 bytes of padding. */
  public record MixKey(int hash, int bucket, short family) {}

  @SockHash(maxEntries = 8192)
  static SocketHash<MixKey> routes;

  @SkSkbVerdict(map = "routes")
  static Verdict verdict(SkBuff skb) {
    int ip = skb.remoteIp4();
    int port = skb.remotePort();
    int hash = ip * 31 + port;
    hash = hash ^ (hash >>> 16);
    int bucket = (hash + skb.localPort() * 7) & 1023;
    return routes.redirect(skb, new MixKey(hash, bucket, (short) skb.family()));
  }
}
