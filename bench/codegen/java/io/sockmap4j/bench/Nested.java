package io.sockmap4j.bench;

import io.sockmap4j.Direction;
import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * A verdict with nested conditions, short-circuit logic, a conditional expression and named
 * constants. C twin: {@code c/Nested.c}.
 */
public final class Nested {
  private Nested() {}

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int FRONTEND = 8080;
  static final int BACKEND_BASE = 9000;
  static final int LOOPBACK_NET = 0x7f000000;
  static final int SMALL = 512;

  @SockMap(maxEntries = 16)
  static SocketMap slots;

  @SkSkbVerdict(map = "slots")
  static Verdict verdict(SkBuff skb) {
    int family = skb.family();
    int len = skb.len();
    if (family == AF_INET || family == AF_INET6) {
      int local = skb.localPort();
      if (local == FRONTEND) {
        boolean loopback = family == AF_INET && (skb.remoteIp4() & 0xff000000) == LOOPBACK_NET;
        if (loopback && len < SMALL) {
          return slots.redirect(skb, 0, Direction.INGRESS);
        }
        int slot = len >= SMALL ? 2 : 1;
        return slots.redirect(skb, slot);
      } else if (local >= BACKEND_BASE && local < BACKEND_BASE + 8) {
        return slots.redirect(skb, local - BACKEND_BASE + 8);
      }
      if (len == 0) {
        return Verdict.PASS;
      }
      return Verdict.DROP;
    }
    return Verdict.PASS;
  }
}
