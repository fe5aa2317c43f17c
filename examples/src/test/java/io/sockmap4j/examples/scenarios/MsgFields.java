package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Writes every context field over the message it runs on, as big-endian ints, so that the receiver
 * can compare them with what Java says about the connection:
 *
 * <pre>
 *   0 family   4 remoteIp4   8 localIp4   12 remotePort   16 localPort   20 size
 *  24 remoteIp6(0..3)                     40 localIp6(0..3)                      56
 * </pre>
 *
 * A message of another length than {@link #LENGTH} is dropped.
 *
 * <p>The same verdict runs on a SOCKMAP ({@code map}) and on a SOCKHASH ({@code hash}); a sender
 * takes the program of the map it is put in.
 */
final class MsgFields {
  private MsgFields() {}

  static final int LENGTH = 56;

  static Verdict verdict(SkMsg msg) {
    if (msg.size() != LENGTH) {
      return Verdict.DROP;
    }
    msg.storeInt(0, msg.family());
    msg.storeInt(4, msg.remoteIp4());
    msg.storeInt(8, msg.localIp4());
    msg.storeInt(12, msg.remotePort());
    msg.storeInt(16, msg.localPort());
    msg.storeInt(20, msg.size());
    msg.storeInt(24, msg.remoteIp6(0));
    msg.storeInt(28, msg.remoteIp6(1));
    msg.storeInt(32, msg.remoteIp6(2));
    msg.storeInt(36, msg.remoteIp6(3));
    msg.storeInt(40, msg.localIp6(0));
    msg.storeInt(44, msg.localIp6(1));
    msg.storeInt(48, msg.localIp6(2));
    msg.storeInt(52, msg.localIp6(3));
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
