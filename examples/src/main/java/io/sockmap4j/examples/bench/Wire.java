package io.sockmap4j.examples.bench;

import java.nio.ByteBuffer;

/**
 * The benchmark's wire format. A client's first byte tells the backend what to do with the rest of
 * the connection: {@link #ECHO} sends every byte back, {@link #SINK} discards them (bulk
 * streaming). Payload bytes follow a pattern with a prime period, so that a byte lost, repeated or
 * reordered anywhere on the path (a proxy, a program) shows up as a mismatch.
 */
final class Wire {
  static final byte ECHO = 'E';
  static final byte SINK = 'S';

  /** The pattern's period: prime, so it never lines up with buffer or segment sizes. */
  static final int PERIOD = 251;

  private Wire() {}

  /** The pattern byte at {@code offset} of a stream. */
  static byte at(long offset) {
    return (byte) (offset % PERIOD);
  }

  /** A direct buffer of {@code length} pattern bytes, starting at stream offset 0. */
  static ByteBuffer pattern(int length) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(length);
    for (int i = 0; i < length; i++) {
      buffer.put(i, at(i));
    }
    return buffer;
  }

  /** Counts the bytes of {@code data} (position to limit) that differ from the pattern. */
  static long mismatches(ByteBuffer data, long streamOffset) {
    long wrong = 0;
    for (int i = data.position(); i < data.limit(); i++) {
      if (data.get(i) != at(streamOffset + i - data.position())) {
        wrong++;
      }
    }
    return wrong;
  }
}
