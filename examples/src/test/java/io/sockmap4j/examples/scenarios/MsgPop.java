package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Removes {@link #LENGTH} bytes at byte {@link #AT} of every message, then copies the byte now at
 * {@code AT} (the first one after the removed range) to byte 0: a read after the pop sees the
 * message as the pop left it.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgPop {
  private MsgPop() {}

  static final int AT = 10;
  static final int LENGTH = 5;

  static Verdict verdict(SkMsg msg) {
    if (msg.popData(AT, LENGTH) != 0) {
      return Verdict.DROP;
    }
    byte before = msg.loadByte(AT - 1);
    if (msg.pullData(0, msg.size()) != 0) {
      return Verdict.DROP;
    }
    msg.storeByte(0, msg.loadByte(AT));
    msg.storeByte(1, before);
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
