package io.sockmap4j.bench;

import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * Send-side policy: {@code send()} fails with EACCES towards blocked ports. C twin: {@code
 * c/MsgPolicy.c}.
 */
public final class MsgPolicy {
  private MsgPolicy() {}

  static final int BLOCKED_LOW = 6000;
  static final int BLOCKED_HIGH = 6063;
  static final int METRICS = 9100;

  @SockHash(maxEntries = 1024)
  static SocketHash<Long> senders;

  @SkMsgVerdict(map = "senders")
  static Verdict verdict(SkMsg msg) {
    int port = msg.remotePort();
    if (port >= BLOCKED_LOW && port <= BLOCKED_HIGH) {
      return Verdict.DROP;
    }
    if (port == METRICS && msg.size() > 1400) {
      return Verdict.DROP;
    }
    return Verdict.PASS;
  }
}
