package io.sockmap4j.examples;

/**
 * A reproducible byte stream, addressable by position: the byte at position {@code i} of stream
 * {@code seed} is fixed, so a sender can generate it and a receiver can check every byte it gets,
 * in chunks of any size, without keeping a copy.
 */
public final class Pattern {
  private final long seed;

  public Pattern(long seed) {
    this.seed = seed;
  }

  /** Fills {@code dst[off, off + len)} with the stream's bytes starting at {@code position}. */
  public void fill(long position, byte[] dst, int off, int len) {
    for (int i = 0; i < len; i++) {
      dst[off + i] = byteAt(position + i);
    }
  }

  /** The first position in {@code [position, position + len)} whose byte differs, or -1. */
  public long firstMismatch(long position, byte[] data, int off, int len) {
    for (int i = 0; i < len; i++) {
      if (data[off + i] != byteAt(position + i)) {
        return position + i;
      }
    }
    return -1;
  }

  byte byteAt(long position) {
    long z = seed * 0x9E3779B97F4A7C15L + (position >>> 3) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (byte) (z >>> ((position & 7) * 8));
  }
}
