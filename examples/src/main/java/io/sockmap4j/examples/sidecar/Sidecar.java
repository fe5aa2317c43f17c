package io.sockmap4j.examples.sidecar;

import io.sockmap4j.Direction;
import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockOps;
import io.sockmap4j.SockOpsContext;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * A sidecar-style same-host bypass with no user-space code per connection.
 *
 * <p>{@link #insert}, a sock_ops program on a cgroup, puts every TCP connection that a process of
 * the cgroup establishes into {@link #connections} under its own 4-tuple, on both sides: the
 * connecting socket (active) and the accepted one (passive). {@link #bypass}, the SK_MSG verdict of
 * that map, then runs on every send of those sockets: when the peer socket is in the map too (both
 * ends are local and in the cgroup), the bytes go straight onto the peer's receive queue, and
 * TCP/IP never carries them; otherwise they go out through TCP as usual.
 *
 * <p>IPv4 sockets and IPv6 sockets talking to IPv4-mapped addresses (Java's default dual-stack
 * sockets connected to {@code 127.0.0.1}) are keyed by their IPv4 addresses, which the kernel keeps
 * for both. Connections between real IPv6 addresses are left alone: the SK_MSG context does not
 * expose IPv6 addresses to sockmap4j programs yet, so the verdict could not name their peer.
 */
public final class Sidecar {
  private Sidecar() {}

  /**
   * A connection as one of its sockets sees it: IPv4 addresses with the first octet in the top
   * byte, host-order ports. The peer socket's tuple is the same with local and remote swapped.
   */
  public record Tuple(int localIp, int remoteIp, int localPort, int remotePort) {}

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;

  /** Word 2 of an IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}. */
  static final int V4_MAPPED_PREFIX = 0xffff;

  /** The cgroup's established connections; sockets leave the map by themselves when closed. */
  @SockHash(maxEntries = 65536)
  static SocketHash<Tuple> connections;

  /** Inserts both sides of every IPv4 (or IPv4-mapped) connection as it is established. */
  @SockOps
  static void insert(SockOpsContext ops) {
    int op = ops.op();
    if (op != SockOpsContext.ACTIVE_ESTABLISHED_CB && op != SockOpsContext.PASSIVE_ESTABLISHED_CB) {
      return;
    }
    int family = ops.family();
    boolean ipv4 = family == AF_INET;
    boolean mapped =
        family == AF_INET6
            && ops.remoteIp6(0) == 0
            && ops.remoteIp6(1) == 0
            && ops.remoteIp6(2) == V4_MAPPED_PREFIX
            && ops.localIp6(0) == 0
            && ops.localIp6(1) == 0
            && ops.localIp6(2) == V4_MAPPED_PREFIX;
    if (ipv4 || mapped) {
      connections.update(
          ops, new Tuple(ops.localIp4(), ops.remoteIp4(), ops.localPort(), ops.remotePort()));
    }
  }

  /**
   * Hands each message to the peer socket's receive queue when the peer is in the map; sends it
   * through TCP otherwise (a failed redirect followed by {@code PASS} sends normally).
   */
  @SkMsgVerdict(map = "connections")
  static Verdict bypass(SkMsg msg) {
    Tuple peer = new Tuple(msg.remoteIp4(), msg.localIp4(), msg.remotePort(), msg.localPort());
    connections.redirect(msg, peer, Direction.INGRESS);
    return Verdict.PASS;
  }
}
