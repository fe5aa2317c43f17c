package io.sockmap4j.examples.statemaps;

import io.sockmap4j.ArrayMap;
import io.sockmap4j.BpfArray;
import io.sockmap4j.BpfHash;
import io.sockmap4j.BpfLruHash;
import io.sockmap4j.BpfPerCpuArray;
import io.sockmap4j.PerCpuArray;
import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.StateMap;
import io.sockmap4j.Verdict;

/**
 * A kernel echo that keeps statistics in state maps while it echoes: bytes per remote port (and
 * under port 0 the total of all connections, which every CPU adds to at once), messages per CPU,
 * per-flow records, and a configuration switch the Loader sets.
 */
final class CountingEcho {
  private CountingEcho() {}

  /** Index of {@link #config}: when non-zero, received data is dropped instead of echoed. */
  static final int DROP_SWITCH = 0;

  /** A connection as the server socket sees it. */
  record Flow(int remoteIp, int remotePort) {}

  /** What a connection's verdicts saw. */
  record FlowStats(long messages, long bytes, int largest) {}

  @SockHash(maxEntries = 64)
  static SocketHash<Long> sockets;

  @BpfHash(maxEntries = 64)
  static StateMap<Integer, Long> bytesByPort;

  @BpfArray(maxEntries = 2)
  static ArrayMap<Long> totals;

  @BpfPerCpuArray(maxEntries = 1)
  static PerCpuArray<Long> messages;

  @BpfLruHash(maxEntries = 64)
  static StateMap<Flow, FlowStats> flows;

  @BpfArray(maxEntries = 1)
  static ArrayMap<Integer> config;

  @SkSkbParser(map = "sockets")
  static int parse(SkBuff skb) {
    return skb.len();
  }

  @SkSkbVerdict(map = "sockets")
  static Verdict echo(SkBuff skb) {
    int len = skb.len();
    bytesByPort.add(skb.remotePort(), len);
    bytesByPort.add(0, len);
    totals.add(0, len);
    messages.add(0, 1);
    Flow flow = new Flow(skb.remoteIp4(), skb.remotePort());
    FlowStats seen = flows.getOrDefault(flow, new FlowStats(0, 0, 0));
    flows.put(
        flow,
        new FlowStats(seen.messages() + 1, seen.bytes() + len, Math.max(seen.largest(), len)));
    if (config.getOrDefault(DROP_SWITCH, 0) != 0) {
      totals.add(1, len);
      return Verdict.DROP;
    }
    return sockets.redirect(skb, skb.socketCookie());
  }
}
