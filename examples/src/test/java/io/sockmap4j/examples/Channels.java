package io.sockmap4j.examples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** Whole-message writes and bounded reads on socket channels, for the kernel tests. */
public final class Channels {
  private Channels() {}

  /** Writes all of {@code data}. */
  public static void writeFully(SocketChannel channel, byte[] data) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Reads exactly {@code n} bytes, failing after {@code timeout} instead of hanging. The channel is
   * read in non-blocking mode and left blocking.
   */
  public static byte[] readExactly(SocketChannel channel, int n, Duration timeout)
      throws IOException, InterruptedException {
    channel.configureBlocking(false);
    try {
      ByteBuffer buffer = ByteBuffer.allocate(n);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer);
        if (read < 0) {
          throw new IOException("end of stream after " + buffer.position() + " of " + n);
        }
        if (read == 0) {
          if (System.nanoTime() - deadline > 0) {
            throw new AssertionError("only " + buffer.position() + " of " + n + " bytes arrived");
          }
          Thread.sleep(1);
        }
      }
      return buffer.array();
    } finally {
      channel.configureBlocking(true);
    }
  }
}
