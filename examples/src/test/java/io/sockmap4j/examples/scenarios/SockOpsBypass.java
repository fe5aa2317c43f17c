package io.sockmap4j.examples.scenarios;

import io.sockmap4j.Direction;
import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockOps;
import io.sockmap4j.SockOpsContext;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * A sidecar-style bypass with no user-space code per connection: the sock_ops program inserts every
 * IPv4 connection established by the cgroup's processes into {@link #connections} under its own
 * 4-tuple, and the SK_MSG verdict on that map hands each message straight to the peer socket's
 * receive queue when the peer is in the map too (both ends local), skipping TCP/IP.
 */
final class SockOpsBypass {
  private SockOpsBypass() {}

  /** A connection as one socket sees it: IPv4 addresses (first octet on top), host-order ports. */
  record Tuple(int localIp, int remoteIp, int localPort, int remotePort) {}

  static final int AF_INET = 2;

  @SockHash(maxEntries = 1024)
  static SocketHash<Tuple> connections;

  @SockOps
  static void insert(SockOpsContext ops) {
    int op = ops.op();
    if (op != SockOpsContext.ACTIVE_ESTABLISHED_CB && op != SockOpsContext.PASSIVE_ESTABLISHED_CB) {
      return;
    }
    if (ops.family() == AF_INET) {
      connections.update(
          ops, new Tuple(ops.localIp4(), ops.remoteIp4(), ops.localPort(), ops.remotePort()));
    }
  }

  @SkMsgVerdict(map = "connections")
  static Verdict bypass(SkMsg msg) {
    if (msg.family() != AF_INET) {
      return Verdict.PASS;
    }
    Tuple peer = new Tuple(msg.remoteIp4(), msg.localIp4(), msg.remotePort(), msg.localPort());
    connections.redirect(msg, peer, Direction.INGRESS);
    return Verdict.PASS;
  }
}
