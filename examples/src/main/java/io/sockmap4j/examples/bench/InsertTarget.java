package io.sockmap4j.examples.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * The map of the socket-insert benchmark: a SOCKMAP with a verdict program that passes every byte,
 * so that an insert does what it does in a real proxy (the kernel creates the socket's psock and
 * attaches the map's verdict to it). {@code bench/dataplane/c/inserts.c} builds the same map and
 * program in C.
 */
public final class InsertTarget {
  private InsertTarget() {}

  /** As many slots as the benchmark inserts sockets per round. */
  @SockMap(maxEntries = 4096)
  static SocketMap slots;

  /** Every byte stays with its socket. */
  @SkSkbVerdict(map = "slots")
  static Verdict pass(SkBuff skb) {
    return Verdict.PASS;
  }
}
