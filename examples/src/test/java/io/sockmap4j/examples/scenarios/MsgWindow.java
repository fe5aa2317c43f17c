package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Copies the last byte of every message over its first, without {@code pullData}: fine while the
 * message fits in the payload window, the fault result ({@code DROP}) when the last byte lies
 * beyond it, as in a large send whose first scatterlist element is smaller than the message.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgWindow {
  private MsgWindow() {}

  static Verdict verdict(SkMsg msg) {
    msg.storeByte(0, msg.loadByte(msg.size() - 1));
    return Verdict.PASS;
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
