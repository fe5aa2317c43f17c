package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Inserts {@link #LENGTH} bytes at byte {@link #AT} of every message, makes them the payload window
 * with {@code pullData}, and fills them with the message's size before and after the push (two
 * big-endian ints): the kernel leaves pushed bytes uninitialised.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgPush {
  private MsgPush() {}

  static final int AT = 10;
  static final int LENGTH = 8;

  static Verdict verdict(SkMsg msg) {
    int before = msg.size();
    if (msg.pushData(AT, LENGTH) != 0 || msg.pullData(AT, AT + LENGTH) != 0) {
      return Verdict.DROP;
    }
    msg.storeInt(0, before);
    msg.storeInt(4, msg.size());
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
