package io.sockmap4j.examples.scenarios;

import io.sockmap4j.Direction;
import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Holds data back until {@link #CORK} bytes have accumulated, then redirects them all at once to
 * the socket under key 1 (ingress). Anything the program sees with fewer bytes than that is corked;
 * were it not, it would pass to TCP.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgCork {
  private MsgCork() {}

  static final int CORK = 4000;

  @SockMap(maxEntries = 4)
  static SocketMap map;

  @SockHash(maxEntries = 4)
  static SocketHash<Integer> hash;

  @SkMsgVerdict(map = "map")
  static Verdict viaMap(SkMsg msg) {
    if (msg.size() < CORK) {
      msg.corkBytes(CORK);
      return Verdict.PASS;
    }
    return map.redirect(msg, 1, Direction.INGRESS);
  }

  @SkMsgVerdict(map = "hash")
  static Verdict viaHash(SkMsg msg) {
    if (msg.size() < CORK) {
      msg.corkBytes(CORK);
      return Verdict.PASS;
    }
    return hash.redirect(msg, 1, Direction.INGRESS);
  }
}
