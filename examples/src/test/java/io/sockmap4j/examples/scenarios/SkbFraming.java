package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Stream parsers that frame the stream into messages of a fixed length (10 or 512 bytes), each
 * passed to the receiving socket: bytes that do not fill a message wait in the strparser.
 */
final class SkbFraming {
  private SkbFraming() {}

  static final int SHORT = 10;
  static final int LONG = 512;

  @SockMap(maxEntries = 1)
  static SocketMap shortMap;

  @SockHash(maxEntries = 1)
  static SocketHash<Integer> shortHash;

  @SockMap(maxEntries = 1)
  static SocketMap longMap;

  @SockHash(maxEntries = 1)
  static SocketHash<Integer> longHash;

  @SkSkbParser(map = "shortMap")
  static int shortOnMap(SkBuff skb) {
    return SHORT;
  }

  @SkSkbParser(map = "shortHash")
  static int shortOnHash(SkBuff skb) {
    return SHORT;
  }

  @SkSkbParser(map = "longMap")
  static int longOnMap(SkBuff skb) {
    return LONG;
  }

  @SkSkbParser(map = "longHash")
  static int longOnHash(SkBuff skb) {
    return LONG;
  }

  @SkSkbVerdict(map = "shortMap")
  static Verdict passShortOnMap(SkBuff skb) {
    return Verdict.PASS;
  }

  @SkSkbVerdict(map = "shortHash")
  static Verdict passShortOnHash(SkBuff skb) {
    return Verdict.PASS;
  }

  @SkSkbVerdict(map = "longMap")
  static Verdict passLongOnMap(SkBuff skb) {
    return Verdict.PASS;
  }

  @SkSkbVerdict(map = "longHash")
  static Verdict passLongOnHash(SkBuff skb) {
    return Verdict.PASS;
  }
}
