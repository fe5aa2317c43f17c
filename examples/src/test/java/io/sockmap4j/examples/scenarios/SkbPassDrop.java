package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/** Stream verdicts without a parser (Linux 5.10) that pass or drop all, over both map kinds. */
final class SkbPassDrop {
  private SkbPassDrop() {}

  @SockMap(maxEntries = 2)
  static SocketMap passMap;

  @SockMap(maxEntries = 2)
  static SocketMap dropMap;

  @SockHash(maxEntries = 2)
  static SocketHash<Integer> passHash;

  @SockHash(maxEntries = 2)
  static SocketHash<Integer> dropHash;

  @SkSkbVerdict(map = "passMap")
  static Verdict passOnMap(SkBuff skb) {
    return Verdict.PASS;
  }

  @SkSkbVerdict(map = "dropMap")
  static Verdict dropOnMap(SkBuff skb) {
    return Verdict.DROP;
  }

  @SkSkbVerdict(map = "passHash")
  static Verdict passOnHash(SkBuff skb) {
    return Verdict.PASS;
  }

  @SkSkbVerdict(map = "dropHash")
  static Verdict dropOnHash(SkBuff skb) {
    return Verdict.DROP;
  }
}
