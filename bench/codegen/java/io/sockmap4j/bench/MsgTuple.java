package io.sockmap4j.bench;

import io.sockmap4j.Direction;
import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * Ingress redirect to the socket stored under the peer's 4-tuple, returning the redirect's result
 * (DROP when the peer is missing). C twin: {@code c/MsgTuple.c}.
 */
public final class MsgTuple {
  private MsgTuple() {}

  /** Addresses as ints, ports in host order; laid out like the C struct {@code tuple4}. */
  public record Tuple4(int srcIp, int dstIp, short srcPort, short dstPort) {}

  @SockHash(maxEntries = 4096)
  static SocketHash<Tuple4> conns;

  @SkMsgVerdict(map = "conns")
  static Verdict redirect(SkMsg msg) {
    Tuple4 key =
        new Tuple4(
            msg.localIp4(), msg.remoteIp4(), (short) msg.localPort(), (short) msg.remotePort());
    return conns.redirect(msg, key, Direction.INGRESS);
  }
}
