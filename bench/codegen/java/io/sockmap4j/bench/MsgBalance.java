package io.sockmap4j.bench;

import io.sockmap4j.Direction;
import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Send-side load balancing: small messages go to one of sixteen local receivers, chosen by a signed
 * remainder of the peer's address and port; large ones are sent normally. C twin: {@code
 * c/MsgBalance.c}.
 */
public final class MsgBalance {
  private MsgBalance() {}

  static final int RECEIVERS = 16;
  static final int LARGE = 16384;

  @SockMap(maxEntries = 16)
  static SocketMap receivers;

  @SkMsgVerdict(map = "receivers")
  static Verdict verdict(SkMsg msg) {
    if (msg.size() >= LARGE) {
      return Verdict.PASS;
    }
    int slot = (msg.remoteIp4() + msg.remotePort()) % RECEIVERS;
    if (slot < 0) {
      slot += RECEIVERS;
    }
    return receivers.redirect(msg, slot, Direction.INGRESS);
  }
}
