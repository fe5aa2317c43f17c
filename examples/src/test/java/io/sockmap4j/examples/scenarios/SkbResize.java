package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * skb verdicts (Linux 5.13) that resize what a socket receives, chosen by its first byte, then pass
 * it on. The kernel's change_tail selftest, and more:
 *
 * <pre>
 *   'T' trim:  changeTail(len - 1)       'G' grow: changeTail(len + 1)
 *   'E' error: changeTail(65535); the helper's result is written big-endian over bytes 0..3
 *   'H' head:  changeHead(2)             'A' room: adjustRoom(3)    'D' shrink: adjustRoom(-1)
 *   'P' pull:  pullData(len + 1); result over bytes 0..3, then pullData(len) result over 4..7
 * </pre>
 */
final class SkbResize {
  private SkbResize() {}

  @SockMap(maxEntries = 1)
  static SocketMap resizeMap;

  @SockHash(maxEntries = 1)
  static SocketHash<Integer> resizeHash;

  @SkbVerdict(map = "resizeMap")
  static Verdict resizeOnMap(SkBuff skb) {
    return resize(skb);
  }

  @SkbVerdict(map = "resizeHash")
  static Verdict resizeOnHash(SkBuff skb) {
    return resize(skb);
  }

  static Verdict resize(SkBuff skb) {
    switch (skb.loadByte(0)) {
      case 'T' -> skb.changeTail(skb.len() - 1);
      case 'G' -> skb.changeTail(skb.len() + 1);
      case 'E' -> skb.storeInt(0, skb.changeTail(65535));
      case 'H' -> skb.changeHead(2);
      case 'A' -> skb.adjustRoom(3);
      case 'D' -> skb.adjustRoom(-1);
      case 'P' -> {
        int beyond = skb.pullData(skb.len() + 1);
        int all = skb.pullData(skb.len());
        skb.storeInt(0, beyond);
        skb.storeInt(4, all);
      }
      default -> {}
    }
    return Verdict.PASS;
  }
}
