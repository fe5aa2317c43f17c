package io.sockmap4j.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * In the style of the kernel's {@code test_sockmap_kern.h}: a parser that frames at most {@link
 * #MAX_MSG} bytes, and the {@code bpf_prog2} verdict that picks the SOCKMAP slot from the local
 * port. C twin: {@code c/Selftest.c}.
 */
public final class Selftest {
  private Selftest() {}

  static final int MAX_MSG = 4096;
  static final int SERVER_PORT = 10000;

  @SockMap(maxEntries = 20)
  static SocketMap sockMap;

  @SkSkbParser(map = "sockMap")
  static int parse(SkBuff skb) {
    int len = skb.len();
    if (len > MAX_MSG) {
      return MAX_MSG;
    }
    return len;
  }

  @SkSkbVerdict(map = "sockMap")
  static Verdict verdict(SkBuff skb) {
    int slot;
    if (skb.localPort() == SERVER_PORT) {
      slot = 10;
    } else {
      slot = 1;
    }
    return sockMap.redirect(skb, slot);
  }
}
