package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Pops one byte more than the message holds: the kernel answers {@code -EINVAL}, and the program
 * drops the message exactly then, so the sender's {@code send()} fails with {@code EACCES}. Any
 * other result passes the message, unchanged or not, and the test sees it arrive.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgPopOverflow {
  private MsgPopOverflow() {}

  static final int EINVAL = -22;

  static Verdict verdict(SkMsg msg) {
    return msg.popData(0, msg.size() + 1) == EINVAL ? Verdict.DROP : Verdict.PASS;
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
