package io.sockmap4j.examples.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fallback for a pair the kernel will not splice: plain Java copying, both ways, with
 * end-of-stream forwarded. It is used when inserting a socket fails, for example because the
 * backend had already sent its answer and closed (a socket in CLOSE_WAIT cannot enter a sockmap).
 * No program has run on the pair then, so every byte is still queued and nothing is lost.
 */
final class JavaRelay {
  private final ExecutorService threads;
  private final AtomicLong bytesRelayed;

  JavaRelay(ExecutorService threads, AtomicLong bytesRelayed) {
    this.threads = threads;
    this.bytesRelayed = bytesRelayed;
  }

  void start(SocketChannel client, SocketChannel server) {
    AtomicLong directionsDone = new AtomicLong();
    threads.execute(() -> copy(client, server, directionsDone));
    threads.execute(() -> copy(server, client, directionsDone));
  }

  private void copy(SocketChannel from, SocketChannel to, AtomicLong directionsDone) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    try {
      from.configureBlocking(true);
      while (from.read(buffer) >= 0) {
        buffer.flip();
        bytesRelayed.addAndGet(buffer.remaining());
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      directionsDone.incrementAndGet(); // a broken direction ends the pair
    }
    if (directionsDone.incrementAndGet() >= 2) {
      try {
        from.close();
        to.close();
      } catch (IOException e) {
        // nothing more to do for this pair
      }
    }
  }
}
