package io.sockmap4j.examples.router;

import io.sockmap4j.BpfHash;
import io.sockmap4j.BpfPerCpuArray;
import io.sockmap4j.PerCpuArray;
import io.sockmap4j.SkBuff;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SocketHash;
import io.sockmap4j.SocketMap;
import io.sockmap4j.StateMap;
import io.sockmap4j.Verdict;

/**
 * A length-prefixed message router in the kernel. Clients send frames; the stream parser cuts the
 * byte stream into whole frames, however TCP split or coalesced them, and the verdict sends each
 * frame, unchanged, out through the backend connection its route names.
 *
 * <pre>
 *  0                   4         5
 *  +-------------------+---------+----------------------+
 *  | body length L     | route R | body: L bytes        |
 *  | u32, big-endian   | u8      |                      |
 *  +-------------------+---------+----------------------+
 * </pre>
 *
 * <p>A frame is {@link #HEADER} + L bytes, L from 0 to {@link #MAX_BODY}. It goes to the socket in
 * slot R of {@link #backends}; a route with no backend drops the frame and counts it. A length
 * outside 0 to {@link #MAX_BODY} means the stream cannot be framed any more: the parser fails with
 * {@code -EMSGSIZE}, the kernel stops parsing that connection and reports {@code EMSGSIZE} on its
 * socket, and the router closes it.
 *
 * <p><b>Where a frame starts.</b> When one TCP segment carries the end of one frame and the start
 * of the next, the kernel's strparser runs the parser and the verdict on that segment from its
 * first byte, not from the frame's (Linux 6.18, and every kernel with the strparser: the frame's
 * offset sits in the skb's control block, out of the program's reach). So each connection keeps a
 * {@link Cursor} in {@link #cursors}: the parser records where the frame it measured starts, and
 * the verdict records how many bytes of the segment follow the frame. The next frame starts right
 * there: the strparser runs the parser for it on the same segment, whose length the parser sees, so
 * it starts at {@code skb.len() - trailing}; with nothing trailing, the next frame starts at offset
 * 0 of the next segment.
 */
public final class Router {
  private Router() {}

  /** Header bytes: the 4-byte length and the 1-byte route. */
  public static final int HEADER = 5;

  /**
   * The largest body. The strparser refuses a message larger than the socket's receive buffer
   * ({@code sk_rcvbuf}: 128 KiB on a default Linux, {@code net.ipv4.tcp_rmem}), so raise this only
   * with the clients' {@code SO_RCVBUF}.
   */
  public static final int MAX_BODY = 64 * 1024;

  /** Routes: every value of the route byte has a slot. */
  public static final int ROUTES = 256;

  /** {@link #dropped} index: frames whose route had no backend. */
  public static final int UNROUTED_FRAMES = 0;

  /** {@link #dropped} index: the bytes of those frames, headers included. */
  public static final int UNROUTED_BYTES = 1;

  /** {@link #dropped} index: connections ended because a length field was out of range. */
  public static final int BAD_LENGTHS = 2;

  /** {@code EMSGSIZE}, returned negated by the parser for a bad length. */
  static final int EMSGSIZE = 90;

  /**
   * Where a connection's current frame is, in the skb the kernel shows the programs.
   *
   * @param start offset of the frame's first byte, valid when {@code located}
   * @param length the frame's length as the parser returned it, 0 until measured
   * @param trailing bytes that followed the previous frame in its last segment
   * @param located whether {@code start} has been worked out for the current frame
   * @param framed bytes of the connection's complete frames so far, routed or dropped: when it
   *     reaches the bytes TCP received, the kernel is done with everything the client sent
   */
  public record Cursor(int start, int length, int trailing, boolean located, long framed) {}

  /** Backend connections: slot R carries the frames of route R. No programs run on them. */
  @SockMap(maxEntries = ROUTES)
  static SocketMap backends;

  /** Client connections, by socket cookie: their received bytes go through the programs. */
  @SockHash(maxEntries = 4096)
  static SocketHash<Long> clients;

  /** One cursor per client connection, by socket cookie; the router removes it at close. */
  @BpfHash(maxEntries = 4096)
  static StateMap<Long, Cursor> cursors;

  /** Frames routed, per route. */
  @BpfPerCpuArray(maxEntries = ROUTES)
  static PerCpuArray<Long> routedFrames;

  /** Bytes routed (headers included), per route. */
  @BpfPerCpuArray(maxEntries = ROUTES)
  static PerCpuArray<Long> routedBytes;

  /**
   * What was not routed, at {@link #UNROUTED_FRAMES}, {@link #UNROUTED_BYTES}, {@link
   * #BAD_LENGTHS}.
   */
  @BpfPerCpuArray(maxEntries = 3)
  static PerCpuArray<Long> dropped;

  /** Measures the next frame: 0 until its header is in, then header plus body. */
  @SkSkbParser(map = "clients")
  static int frame(SkBuff skb) {
    long cookie = skb.socketCookie();
    Cursor cursor = cursors.getOrDefault(cookie, new Cursor(0, 0, 0, false, 0));
    int start = cursor.start();
    if (!cursor.located()) {
      start = cursor.trailing() == 0 ? 0 : skb.len() - cursor.trailing();
    }
    if (skb.len() - start < HEADER) {
      cursors.put(cookie, new Cursor(start, 0, 0, true, cursor.framed()));
      return 0;
    }
    int body = skb.loadInt(start);
    if (body < 0 || body > MAX_BODY) {
      dropped.add(BAD_LENGTHS, 1);
      return -EMSGSIZE;
    }
    cursors.put(cookie, new Cursor(start, HEADER + body, 0, true, cursor.framed()));
    return HEADER + body;
  }

  /** Sends the frame to its route's backend, whole, and counts it. */
  @SkSkbVerdict(map = "clients")
  static Verdict route(SkBuff skb) {
    long cookie = skb.socketCookie();
    Cursor cursor = cursors.getOrDefault(cookie, new Cursor(0, 0, 0, false, 0));
    int start = cursor.start();
    int length = cursor.length();
    cursors.put(
        cookie, new Cursor(0, 0, skb.len() - start - length, false, cursor.framed() + length));
    int route = Byte.toUnsignedInt(skb.loadByte(start + 4));
    if (backends.redirect(skb, route) == Verdict.DROP) {
      dropped.add(UNROUTED_FRAMES, 1);
      dropped.add(UNROUTED_BYTES, length);
      return Verdict.DROP;
    }
    routedFrames.add(route, 1);
    routedBytes.add(route, length);
    return Verdict.PASS;
  }
}
