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
 * Applies each verdict to {@link #APPLY} bytes only, and routes by the first byte the program sees:
 * {@code 'A'} to the socket under key 1, anything else to key 2 (both ingress). A send of {@code 2
 * * APPLY} bytes is therefore split at byte {@code APPLY}, where the program runs again.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgApply {
  private MsgApply() {}

  static final int APPLY = 1000;

  @SockMap(maxEntries = 4)
  static SocketMap map;

  @SockHash(maxEntries = 4)
  static SocketHash<Integer> hash;

  @SkMsgVerdict(map = "map")
  static Verdict viaMap(SkMsg msg) {
    msg.applyBytes(APPLY);
    return map.redirect(msg, msg.loadByte(0) == 'A' ? 1 : 2, Direction.INGRESS);
  }

  @SkMsgVerdict(map = "hash")
  static Verdict viaHash(SkMsg msg) {
    msg.applyBytes(APPLY);
    return hash.redirect(msg, msg.loadByte(0) == 'A' ? 1 : 2, Direction.INGRESS);
  }
}
