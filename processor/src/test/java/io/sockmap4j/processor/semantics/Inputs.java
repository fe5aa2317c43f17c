package io.sockmap4j.processor.semantics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The run-time inputs of a case: {@code long a, b} and {@code int c, d}. The kernel programs read
 * them from the test run's {@code struct __sk_buff}: {@code a} from {@code cb[0]} (high half) and
 * {@code cb[1]}, {@code b} from {@code cb[2]} and {@code cb[3]}, {@code c} from {@code cb[4]}, and
 * {@code d} from {@code priority}. They are never compile-time constants, so neither javac nor
 * sockmap4j can fold them away.
 */
record Inputs(long a, long b, int c, int d) {

  private static final int PRIORITY = 32;
  private static final int CB = 48;
  private static final int CB_END = 68;

  /** Vectors every batch runs: zeros, minus ones, and the extremes of both widths. */
  static final List<Inputs> EDGES =
      List.of(
          new Inputs(0, 0, 0, 0),
          new Inputs(-1, -1, -1, -1),
          new Inputs(Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE),
          new Inputs(Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE),
          new Inputs(0x8000_0000L, 0xFFFF_FFFFL, 31, 64),
          new Inputs(1, Integer.MIN_VALUE, 32, -1));

  /** The statements that bind the inputs at the top of every kernel program. */
  static String bindings(boolean toUnsignedLong) {
    String low1 =
        toUnsignedLong ? "Integer.toUnsignedLong(skb.cb(1))" : "(skb.cb(1) & 0xFFFFFFFFL)";
    String low3 =
        toUnsignedLong ? "Integer.toUnsignedLong(skb.cb(3))" : "(skb.cb(3) & 0xFFFFFFFFL)";
    return "    long a = ((long) skb.cb(0) << 32) | "
        + low1
        + ";\n"
        + "    long b = ((long) skb.cb(2) << 32) | "
        + low3
        + ";\n"
        + "    int c = skb.cb(4);\n"
        + "    int d = skb.priority();\n";
  }

  /** The {@code struct __sk_buff} prefix (up to the end of {@code cb[]}) for a test run. */
  byte[] context() {
    ByteBuffer ctx = ByteBuffer.allocate(CB_END).order(ByteOrder.nativeOrder());
    ctx.putInt(PRIORITY, d);
    ctx.putInt(CB, (int) (a >>> 32));
    ctx.putInt(CB + 4, (int) a);
    ctx.putInt(CB + 8, (int) (b >>> 32));
    ctx.putInt(CB + 12, (int) b);
    ctx.putInt(CB + 16, c);
    return ctx.array();
  }

  @Override
  public String toString() {
    return "a = " + a + "L, b = " + b + "L, c = " + c + ", d = " + d;
  }
}
