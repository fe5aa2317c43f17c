package io.sockmap4j.examples.proxy;

import io.sockmap4j.runtime.Sockets;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The end-of-stream handling of one spliced client/backend pair. The kernel splices data, not FIN,
 * so the proxy forwards it: when one side ends, the other side's output is shut down once every
 * byte the ended side received has left through the other side and been acknowledged ({@code
 * Sockets.bytesAcked(other) >= Sockets.bytesReceived(ended)}: exact, because every byte a spliced
 * socket receives goes out through its peer), and the pair is closed when both sides have ended. A
 * backend that answers and closes at once therefore loses no byte of its answer, even when the
 * kernel's forwarding work is delayed. A side whose connection is over (reset: a client that closed
 * while its answer was on the way) acknowledges nothing more, so the wait ends there; it ends after
 * 10 seconds in any case.
 *
 * <p>Public so that the benchmark's proxy ({@code io.sockmap4j.examples.bench}) ends its pairs
 * exactly as {@link SpliceProxy} does.
 */
public final class SplicedPair {
  private static final long POLL_MILLIS = 2;
  private static final long DRAIN_LIMIT_NANOS = 10_000_000_000L;

  private final SocketChannel client;
  private final SocketChannel server;
  private final ScheduledExecutorService timer;
  private final Set<SplicedPair> live;
  private final long clientAckedBefore;
  private final long serverAckedBefore;
  private int ended;

  /**
   * A pair that stays in {@code live} until it is closed.
   *
   * @param clientAckedBefore {@code Sockets.bytesAcked} of the client socket before the splice
   * @param serverAckedBefore the same for the server socket
   */
  public SplicedPair(
      SocketChannel client,
      SocketChannel server,
      long clientAckedBefore,
      long serverAckedBefore,
      ScheduledExecutorService timer,
      Set<SplicedPair> live) {
    this.client = client;
    this.server = server;
    this.clientAckedBefore = clientAckedBefore;
    this.serverAckedBefore = serverAckedBefore;
    this.timer = timer;
    this.live = live;
    live.add(this);
  }

  /** What the server loop calls when {@code side} reaches end-of-stream. */
  public Closeable endOf(SocketChannel side) {
    return () ->
        drainThenShutdown(
            side, side == client ? server : client, System.nanoTime() + DRAIN_LIMIT_NANOS);
  }

  /** Closes both sockets now (they leave every map by themselves). */
  public void close() {
    live.remove(this);
    closeQuietly(client);
    closeQuietly(server);
  }

  private void drainThenShutdown(SocketChannel endedSide, SocketChannel other, long deadline) {
    if (!drained(endedSide, other) && System.nanoTime() - deadline < 0) {
      timer.schedule(
          () -> drainThenShutdown(endedSide, other, deadline), POLL_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    try {
      if (other.isOpen()) {
        other.shutdownOutput();
      }
    } catch (IOException e) {
      close();
    }
    synchronized (this) {
      if (++ended == 2) {
        close();
      }
    }
  }

  private boolean drained(SocketChannel endedSide, SocketChannel other) {
    try {
      if (!other.isOpen()) {
        return true;
      }
      int otherFd = Sockets.fd(other);
      if (Sockets.connectionOver(otherFd)) {
        return true; // reset (say, a client that closed with an answer on its way): acks stop
      }
      long forwarded =
          Sockets.bytesAcked(otherFd) - (other == client ? clientAckedBefore : serverAckedBefore);
      long received = Sockets.bytesReceived(Sockets.fd(endedSide)) - 1; // less the FIN
      return forwarded >= received;
    } catch (RuntimeException e) {
      return true; // a socket is gone: nothing left to protect
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // already broken; closing is all that was left to do
    }
  }
}
