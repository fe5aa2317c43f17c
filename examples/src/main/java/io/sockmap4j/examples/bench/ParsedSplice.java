package io.sockmap4j.examples.bench;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.Verdict;

/**
 * The proxy's data path of {@link io.sockmap4j.examples.proxy.Splice}, with a stream parser in
 * front of the verdict: the benchmark's "splice-parser" topology. The parser takes every received
 * chunk as one message ({@code skb.len()}), so the verdict sees the same data as without a parser;
 * what changes is the path: with a parser the kernel runs the strparser (Linux 4.14+) and the
 * verdict is attached as {@code BPF_SK_SKB_STREAM_VERDICT}, instead of {@code BPF_SK_SKB_VERDICT}
 * straight from the socket's data-ready callback (Linux 5.13+).
 */
public final class ParsedSplice {
  private ParsedSplice() {}

  /** Sockets whose received bytes are spliced to their peer. */
  @SockHash(maxEntries = 65536)
  static SocketHash<Long> spliced;

  /** For each socket's cookie, the socket that receives its bytes. */
  @SockHash(maxEntries = 65536)
  static SocketHash<Long> peers;

  /** Every received chunk is one message. */
  @SkSkbParser(map = "spliced")
  static int parse(SkBuff skb) {
    return skb.len();
  }

  /** Out through the peer socket, as in {@code Splice.forward}. */
  @SkSkbVerdict(map = "spliced")
  static Verdict forward(SkBuff skb) {
    if (skb.len() == 0) {
      return Verdict.PASS;
    }
    return peers.redirect(skb, skb.socketCookie());
  }
}
