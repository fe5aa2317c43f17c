package io.sockmap4j.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Signed division and remainder by constants: the backend index stays in 0..4 for any port, and the
 * address picks one of three groups. C twin: {@code c/Backends.c}.
 */
public final class Backends {
  private Backends() {}

  static final int BACKENDS = 5;
  static final int GROUPS = 3;

  @SockMap(maxEntries = 15)
  static SocketMap pool;

  @SkSkbVerdict(map = "pool")
  static Verdict verdict(SkBuff skb) {
    int port = skb.remotePort() - skb.localPort();
    int backend = (port % BACKENDS + BACKENDS) % BACKENDS;
    int group = skb.remoteIp4() / 1000 % GROUPS;
    if (group < 0) {
      group = -group;
    }
    return pool.redirect(skb, group * BACKENDS + backend);
  }
}
