package io.sockmap4j.examples.scenarios;

import io.sockmap4j.SkBuff;
import io.sockmap4j.SkbVerdict;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketMap;
import io.sockmap4j.Verdict;

/**
 * Verdicts that report what they see by writing it into the data they pass on, so a test reads the
 * values on the receiving socket and checks each against what Java knows about the connection.
 */
final class SkbFields {
  private SkbFields() {}

  /** Bytes a client sends to {@link #probe}; the report overwrites the first {@code 96}. */
  static final int PROBE_LENGTH = 128;

  @SockMap(maxEntries = 1)
  static SocketMap probeMap;

  @SockMap(maxEntries = 1)
  static SocketMap faultMap;

  /**
   * The report, big-endian: 0 remotePort, 4 localPort, 8 remoteIp4, 12 localIp4, 16 family, 20
   * protocol, 24 socketCookie (8), 32 socketUid, 36 len, 40..55 remoteIp6, 56..71 localIp6, 72
   * priority after setting it to 5, 76 tcIndex after setting it to 9, 80 the int read at 100, 84
   * the short read at 104, 86 the byte read at 106, 87 0x7E, 88 the long read at 108, then 116..123
   * the bytes 100..107 copied with loadBytes/storeBytes.
   */
  @SkbVerdict(map = "probeMap")
  static Verdict probe(SkBuff skb) {
    if (skb.len() != PROBE_LENGTH) {
      return Verdict.DROP;
    }
    int readInt = skb.loadInt(100);
    short readShort = skb.loadShort(104);
    byte readByte = skb.loadByte(106);
    long readLong = skb.loadLong(108);
    byte[] copy = new byte[8];
    skb.loadBytes(100, copy);
    skb.priority(5);
    skb.tcIndex(9);
    boolean ok =
        skb.storeInt(0, skb.remotePort())
            & skb.storeInt(4, skb.localPort())
            & skb.storeInt(8, skb.remoteIp4())
            & skb.storeInt(12, skb.localIp4())
            & skb.storeInt(16, skb.family())
            & skb.storeInt(20, skb.protocol())
            & skb.storeLong(24, skb.socketCookie())
            & skb.storeInt(32, skb.socketUid())
            & skb.storeInt(36, skb.len())
            & skb.storeInt(40, skb.remoteIp6(0))
            & skb.storeInt(44, skb.remoteIp6(1))
            & skb.storeInt(48, skb.remoteIp6(2))
            & skb.storeInt(52, skb.remoteIp6(3))
            & skb.storeInt(56, skb.localIp6(0))
            & skb.storeInt(60, skb.localIp6(1))
            & skb.storeInt(64, skb.localIp6(2))
            & skb.storeInt(68, skb.localIp6(3))
            & skb.storeInt(72, skb.priority())
            & skb.storeInt(76, skb.tcIndex())
            & skb.storeInt(80, readInt)
            & skb.storeShort(84, readShort)
            & skb.storeByte(86, readByte)
            & skb.storeByte(87, (byte) 0x7E)
            & skb.storeLong(88, readLong)
            & skb.storeBytes(116, copy);
    boolean outside = skb.storeInt(PROBE_LENGTH - 3, 0) || skb.storeByte(-1, (byte) 0);
    return ok && !outside ? Verdict.PASS : Verdict.DROP;
  }

  /** Reads one byte past the end: the fault result (DROP) ends the program. */
  @SkbVerdict(map = "faultMap")
  static Verdict readPastTheEnd(SkBuff skb) {
    return skb.loadByte(skb.len()) == 0 ? Verdict.PASS : Verdict.PASS;
  }
}
