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
 * so the proxy forwards it: when one side ends, the other side's output is shut down once the bytes
 * already spliced towards it have drained ({@code SIOCOUTQ} back to zero and quiet for a moment),
 * and the pair is closed when both sides have ended. A backend that answers and closes at once
 * (HTTP/1.0 style) therefore loses no byte of its answer.
 */
final class SplicedPair {
  private static final long POLL_MILLIS = 5;
  private static final int QUIET_POLLS = 2;
  private static final long DRAIN_LIMIT_MILLIS = 2_000;

  private final SocketChannel client;
  private final SocketChannel server;
  private final ScheduledExecutorService timer;
  private final Set<SplicedPair> live;
  private int ended;

  /** A pair that stays in {@code live} until it is closed. */
  SplicedPair(
      SocketChannel client,
      SocketChannel server,
      ScheduledExecutorService timer,
      Set<SplicedPair> live) {
    this.client = client;
    this.server = server;
    this.timer = timer;
    this.live = live;
    live.add(this);
  }

  /** What the server loop calls when {@code side} reaches end-of-stream. */
  Closeable endOf(SocketChannel side) {
    return () -> drainThenShutdown(side == client ? server : client, 0, 0);
  }

  /** Closes both sockets now (they leave every map by themselves). */
  void close() {
    live.remove(this);
    closeQuietly(client);
    closeQuietly(server);
  }

  private void drainThenShutdown(SocketChannel other, int quietPolls, long waited) {
    int unsent;
    try {
      unsent = other.isOpen() ? Sockets.unsentBytes(other) : 0;
    } catch (RuntimeException e) {
      unsent = 0; // the socket is gone; nothing left to protect
    }
    int quiet = unsent == 0 ? quietPolls + 1 : 0;
    if (quiet < QUIET_POLLS && waited < DRAIN_LIMIT_MILLIS) {
      timer.schedule(
          () -> drainThenShutdown(other, quiet, waited + POLL_MILLIS),
          POLL_MILLIS,
          TimeUnit.MILLISECONDS);
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

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // already broken; closing is all that was left to do
    }
  }
}
