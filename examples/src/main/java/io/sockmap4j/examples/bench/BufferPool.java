package io.sockmap4j.examples.bench;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The 64 KiB direct buffers of one event loop's connections, reused from closed connections to new
 * ones; used by that loop's thread only. A direct buffer is freed only when a garbage collection
 * finds it, so allocating one per connection under churn (thousands a second) fills the JDK's
 * direct-memory limit, and further allocations then wait for a collection.
 */
final class BufferPool {
  static final int BUFFER = 64 * 1024;

  /** Free buffers kept for the next connections: 64 MiB at most per loop. */
  private static final int KEPT = 1024;

  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

  /** A cleared buffer, reused or new. */
  ByteBuffer take() {
    ByteBuffer buffer = free.poll();
    return buffer != null ? buffer.clear() : ByteBuffer.allocateDirect(BUFFER);
  }

  /** Takes back the buffer of a closed connection; the caller must not use it any more. */
  void give(ByteBuffer buffer) {
    if (free.size() < KEPT) {
      free.push(buffer);
    }
  }
}
