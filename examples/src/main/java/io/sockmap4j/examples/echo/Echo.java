package io.sockmap4j.examples.echo;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * A kernel echo: every byte a socket in {@link #sockets} receives is sent straight back out through
 * the same socket. Each socket is stored under its own cookie, so the verdict finds it again with
 * {@code skb.socketCookie()}.
 */
public final class Echo {
  private Echo() {}

  @SockHash(maxEntries = 1024)
  static SocketHash<Long> sockets;

  /** Every received chunk is one message. */
  @SkSkbParser(map = "sockets")
  static int parse(SkBuff skb) {
    return skb.len();
  }

  /** Back out through the socket it came from. */
  @SkSkbVerdict(map = "sockets")
  static Verdict echo(SkBuff skb) {
    return sockets.redirect(skb, skb.socketCookie());
  }
}
