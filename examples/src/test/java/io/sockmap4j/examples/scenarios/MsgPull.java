package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Expects messages of exactly {@link #SIZE} bytes (a message the kernel split is dropped, so the
 * test sees it), makes bytes {@link #FROM} to {@link #TO} the payload window with {@code pullData},
 * and inverts the first and the last 16 bytes of the window.
 *
 * <p>Without the pull, the last of those bytes lies outside the window ({@link MsgWindow} shows
 * that a 40,000-byte send is not one window): the range is longer than a scatterlist element can be
 * (page fragments are at most 32 KiB), so the kernel copies it into one buffer.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgPull {
  private MsgPull() {}

  static final int SIZE = 40_000;
  static final int FROM = 100;
  static final int TO = 39_900;
  static final int INVERTED = 16;

  static Verdict verdict(SkMsg msg) {
    if (msg.size() != SIZE || msg.pullData(FROM, TO) != 0) {
      return Verdict.DROP;
    }
    invert(msg, 0);
    invert(msg, TO - FROM - INVERTED);
    return Verdict.PASS;
  }

  /** Inverts {@link #INVERTED} bytes of the window from {@code at}. */
  static void invert(SkMsg msg, int at) {
    byte[] window = new byte[INVERTED];
    msg.loadBytes(at, window);
    for (int i = 0; i < window.length; i++) {
      window[i] = (byte) ~window[i];
    }
    msg.storeBytes(at, window);
  }

  @SockMap(maxEntries = 4)
  static SocketMap map;

  @SockHash(maxEntries = 4)
  static SocketHash<Integer> hash;

  @SkMsgVerdict(map = "map")
  static Verdict viaMap(SkMsg msg) {
    return verdict(msg);
  }

  @SkMsgVerdict(map = "hash")
  static Verdict viaHash(SkMsg msg) {
    return verdict(msg);
  }
}
