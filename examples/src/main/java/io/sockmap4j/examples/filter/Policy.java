package io.sockmap4j.examples.filter;

import io.sockmap4j.ArrayMap;
import io.sockmap4j.BpfArray;
import io.sockmap4j.BpfHash;
import io.sockmap4j.BpfPerCpuArray;
import io.sockmap4j.Direction;
import io.sockmap4j.PerCpuArray;
import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SocketHash;
import io.sockmap4j.StateMap;
import io.sockmap4j.Verdict;

/**
 * A policy filter in front of a line-based server: the stream parser cuts what a client sends into
 * lines (each ending with {@code '\n'}), and the verdict passes each line to the server's socket or
 * drops it, by the rules Java keeps in maps:
 *
 * <ul>
 *   <li>{@link #blockedAddresses}: the client's address (IPv6, IPv4 as {@code ::ffff:a.b.c.d});
 *   <li>{@link #blockedPorts}: a bitmap of 65536 ports, matched against the connection's remote and
 *       local port;
 *   <li>{@link #prefix}: the first 1 to 8 bytes of a line.
 * </ul>
 *
 * <p>The first rule that matches, in that order, counts the line in {@link #messages} and {@link
 * #bytes}; a line no rule matches is passed, and counted under {@link #PASSED}. Rules are read by
 * every verdict, so a change from Java applies from the next line.
 *
 * <p>Lines are found the way the {@code router} example finds frames: the strparser runs both
 * programs from the first byte of a segment, not of the line, so a {@link Cursor} per connection
 * says where the current line starts (see {@code io.sockmap4j.examples.router.Router}).
 *
 * <p><b>Passing is an ingress redirect to the socket itself</b>, not {@link Verdict#PASS}; both put
 * the line on the socket's own receive queue, where the server reads it. On Linux 6.18 a stream
 * parser's socket keeps the segments of passed data in TCP's queue until the application has read
 * them (while redirected and dropped data is released at once), and TCP may append newly arrived
 * bytes to such a segment. The strparser then starts the next line inside the grown segment, where
 * the cursor cannot follow: with {@code PASS}, about one run in ten of 3,000 lines sent in random
 * chunks stalled with the cursor waiting beyond the data. With the redirect, none in 30.
 */
public final class Policy {
  private Policy() {}

  /**
   * The longest line judged by the rules, {@code '\n'} included; longer lines are dropped whole,
   * whatever they hold, and counted under {@link #TOO_LONG}.
   */
  public static final int MAX_LINE = 512;

  /** The longest prefix rule, in bytes. */
  public static final int MAX_PREFIX = 8;

  /** Counter index: lines passed to the server. */
  public static final int PASSED = 0;

  /** Counter index: lines dropped because a port of their connection is blocked. */
  public static final int BY_PORT = 1;

  /** Counter index: lines dropped because the client's address is blocked. */
  public static final int BY_ADDRESS = 2;

  /** Counter index: lines dropped because they start with the blocked prefix. */
  public static final int BY_PREFIX = 3;

  /** Counter index: lines longer than {@link #MAX_LINE}, dropped. */
  public static final int TOO_LONG = 4;

  /** A client address: the four 32-bit words of its IPv6 form, most significant first. */
  public record Address(int w0, int w1, int w2, int w3) {}

  /**
   * The prefix rule: {@code length} bytes (0 = no rule), held in the low bytes of {@code bytes} as
   * a big-endian number: "GET" is {@code 0x474554}.
   */
  public record Prefix(long bytes, int length) {}

  /**
   * Where a connection's current line is, as {@code Router.Cursor}; and whether the message is a
   * chunk of a line over {@link #MAX_LINE} ({@code tooLong}) and the line goes on after it ({@code
   * inLongLine}).
   */
  public record Cursor(
      int start, int length, int trailing, boolean located, boolean inLongLine, boolean tooLong) {}

  @SockHash(maxEntries = 4096)
  static SocketHash<Long> connections;

  @BpfHash(maxEntries = 4096)
  static StateMap<Long, Cursor> cursors;

  /** Blocked client addresses; the value is unused. */
  @BpfHash(maxEntries = 1024)
  static StateMap<Address, Integer> blockedAddresses;

  /** Bit {@code p & 63} of element {@code p >>> 6} is set when port {@code p} is blocked. */
  @BpfArray(maxEntries = 1024)
  static ArrayMap<Long> blockedPorts;

  /** Element 0: the prefix rule. */
  @BpfArray(maxEntries = 1)
  static ArrayMap<Prefix> prefix;

  /** Lines per outcome: {@link #PASSED}, {@link #BY_PORT}, ... {@link #TOO_LONG}. */
  @BpfPerCpuArray(maxEntries = 5)
  static PerCpuArray<Long> messages;

  /** Bytes of those lines, per outcome. */
  @BpfPerCpuArray(maxEntries = 5)
  static PerCpuArray<Long> bytes;

  /**
   * Measures the next line: 0 until its {@code '\n'} is in. A line longer than {@link #MAX_LINE} is
   * measured in chunks of {@link #MAX_LINE} bytes, all marked to be dropped.
   */
  @SkSkbParser(map = "connections")
  static int line(SkBuff skb) {
    long cookie = skb.socketCookie();
    Cursor cursor = cursors.getOrDefault(cookie, new Cursor(0, 0, 0, false, false, false));
    boolean inLongLine = cursor.inLongLine();
    int start = cursor.start();
    if (!cursor.located()) {
      start = cursor.trailing() == 0 ? 0 : skb.len() - cursor.trailing();
    }
    int available = skb.len() - start;
    for (int i = 0; i < MAX_LINE; i++) {
      if (i >= available) {
        cursors.put(cookie, new Cursor(start, 0, 0, true, inLongLine, false));
        return 0;
      }
      if (skb.loadByte(start + i) == '\n') {
        cursors.put(cookie, new Cursor(start, i + 1, 0, true, false, inLongLine));
        return i + 1;
      }
    }
    cursors.put(cookie, new Cursor(start, MAX_LINE, 0, true, true, true));
    return MAX_LINE;
  }

  /** Passes the line to the server, or drops it, and counts it under the rule that decided. */
  @SkSkbVerdict(map = "connections")
  static Verdict filter(SkBuff skb) {
    long cookie = skb.socketCookie();
    Cursor cursor = cursors.getOrDefault(cookie, new Cursor(0, 0, 0, false, false, false));
    int start = cursor.start();
    int length = cursor.length();
    cursors.put(
        cookie, new Cursor(0, 0, skb.len() - start - length, false, cursor.inLongLine(), false));
    if (cursor.tooLong()) {
      if (!cursor.inLongLine()) {
        messages.add(TOO_LONG, 1); // the long line's last chunk
      }
      bytes.add(TOO_LONG, length);
      return Verdict.DROP;
    }
    int outcome = decide(skb, start, length);
    messages.add(outcome, 1);
    bytes.add(outcome, length);
    if (outcome != PASSED) {
      return Verdict.DROP;
    }
    return connections.redirect(skb, cookie, Direction.INGRESS); // passes: see the class comment
  }

  private static int decide(SkBuff skb, int start, int length) {
    Address client =
        new Address(skb.remoteIp6(0), skb.remoteIp6(1), skb.remoteIp6(2), skb.remoteIp6(3));
    if (blockedAddresses.containsKey(client)) {
      return BY_ADDRESS;
    }
    if (portBlocked(skb.remotePort()) || portBlocked(skb.localPort())) {
      return BY_PORT;
    }
    Prefix rule = prefix.getOrDefault(0, new Prefix(0, 0));
    if (rule.length() > 0 && rule.length() <= length) {
      long head = 0;
      for (int i = 0; i < MAX_PREFIX; i++) {
        if (i >= rule.length()) {
          break;
        }
        head = head << 8 | Byte.toUnsignedInt(skb.loadByte(start + i));
      }
      if (head == rule.bytes()) {
        return BY_PREFIX;
      }
    }
    return PASSED;
  }

  private static boolean portBlocked(int port) {
    long word = blockedPorts.getOrDefault(port >>> 6, 0L);
    return (word >>> (port & 63) & 1) != 0;
  }
}
