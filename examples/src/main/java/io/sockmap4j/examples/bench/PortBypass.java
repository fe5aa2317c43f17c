package io.sockmap4j.examples.bench;

import io.sockmap4j.ArrayMap;
import io.sockmap4j.BpfArray;
import io.sockmap4j.Direction;
import io.sockmap4j.SkMsg;
import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockOps;
import io.sockmap4j.SockOpsContext;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * The benchmark's "sockops-bypass" topology: the same-host bypass of the {@code Sidecar} example (a
 * sock_ops program inserts both sockets of a connection as it is established, an SK_MSG verdict
 * hands each send to the peer's receive queue), limited to the connections of one listening port.
 *
 * <p>The limit is what makes it usable inside the benchmark: while this topology runs, the whole
 * JVM is in the benchmark's cgroup, and the sock_ops program sees every TCP socket the JVM
 * establishes. Only a connection to the port in {@link #listener} (the client's remote port, the
 * accepted socket's local port) is inserted; every other one is left alone.
 *
 * <p>It also counts, in {@link #counts}, what the benchmark must check to trust its numbers:
 * sockets inserted ({@link #INSERTED}), sockets of the port the map refused ({@link #REFUSED}), and
 * sends of an inserted socket whose peer was not in the map, so that TCP carried them ({@link
 * #OVER_TCP}). IPv4 only: the benchmark opens its sockets with {@code StandardProtocolFamily.INET}.
 */
public final class PortBypass {
  private PortBypass() {}

  /** A connection as one of its sockets sees it, as {@code Sidecar.Tuple}. */
  public record Tuple(int localIp, int remoteIp, int localPort, int remotePort) {}

  /** Counter index: sockets of the port inserted by the sock_ops program. */
  public static final int INSERTED = 0;

  /** Counter index: sockets of the port the map refused to take. */
  public static final int REFUSED = 1;

  /** Counter index: sends of an inserted socket that went over TCP (no peer in the map). */
  public static final int OVER_TCP = 2;

  static final int AF_INET = 2;

  /** The topology's connections; sockets leave the map by themselves when closed. */
  @SockHash(maxEntries = 65536)
  static SocketHash<Tuple> connections;

  /** Element 0: the topology's listening port, set from Java; 0 (no port) matches nothing. */
  @BpfArray(maxEntries = 1)
  static ArrayMap<Integer> listener;

  /** {@link #INSERTED}, {@link #REFUSED}, {@link #OVER_TCP}. */
  @BpfArray(maxEntries = 3)
  static ArrayMap<Long> counts;

  /** Inserts both sides of each IPv4 connection to the listening port as it is established. */
  @SockOps
  static void insert(SockOpsContext ops) {
    int op = ops.op();
    int port = listener.getOrDefault(0, 0);
    boolean client = op == SockOpsContext.ACTIVE_ESTABLISHED_CB && ops.remotePort() == port;
    boolean server = op == SockOpsContext.PASSIVE_ESTABLISHED_CB && ops.localPort() == port;
    if (port == 0 || !(client || server) || ops.family() != AF_INET) {
      return;
    }
    Tuple tuple = new Tuple(ops.localIp4(), ops.remoteIp4(), ops.localPort(), ops.remotePort());
    if (connections.update(ops, tuple)) {
      counts.add(INSERTED, 1);
    } else {
      counts.add(REFUSED, 1);
    }
  }

  /**
   * Hands each message to the peer socket's receive queue; when the peer is not in the map the
   * message goes through TCP, and is counted under {@link #OVER_TCP}.
   */
  @SkMsgVerdict(map = "connections")
  static Verdict bypass(SkMsg msg) {
    Tuple peer = new Tuple(msg.remoteIp4(), msg.localIp4(), msg.remotePort(), msg.localPort());
    if (connections.redirect(msg, peer, Direction.INGRESS) != Verdict.PASS) {
      counts.add(OVER_TCP, 1);
    }
    return Verdict.PASS;
  }
}
