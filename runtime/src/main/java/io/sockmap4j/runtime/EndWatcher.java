package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Epoll;
import io.sockmap4j.runtime.internal.Errno;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells when sockets end, without waking up for the data that the kernel splices through them.
 *
 * <p>A proxy or server that puts sockets into a sockmap still has to notice when a connection ends,
 * to forward the FIN or to close the pair. Watching for that with a {@link
 * java.nio.channels.Selector} ({@code OP_READ}) or any epoll registration that includes {@code
 * EPOLLIN} costs a thread wake-up per message on sockets under an SK_SKB verdict without a stream
 * parser: after the kernel has redirected a batch of received data it calls the socket's original
 * data-ready callback ({@code sk_psock_verdict_data_ready}, Linux 5.13+), which wakes every reader,
 * and the waiter finds nothing to read and sleeps again. The benchmark measured it: the proxy's
 * watching thread spent 2 to 9 µs of CPU per transaction, and request/response through the proxy
 * fell to 0.70x of the rate without the watch at 10 connections (docs/BENCHMARKS.md).
 *
 * <p>An {@code EndWatcher} registers each socket with epoll for {@code EPOLLRDHUP} only (plus
 * {@code EPOLLERR} and {@code EPOLLHUP}, which epoll always reports), so the data-ready wake-ups do
 * not reach it: its thread runs only when a socket's peer shut down its sending side (FIN), the
 * connection was reset or failed, or a stream parser stopped the socket with an error (which the
 * kernel reports as the socket's error). Each callback runs once, on the watcher's thread, after
 * which the socket is no longer watched; keep callbacks short and hand longer work to an executor.
 *
 * <p>Works for any socket {@link Sockets#fd(Object)} accepts, in a map or not. Closing a watched
 * socket ends its watch silently (the kernel drops the registration with the last descriptor); call
 * {@link #unwatch(Object)} first if the socket's number may be watched again before then, or just
 * close it: a new watch on a reused number replaces the stale one.
 */
public final class EndWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.sockmap4j.runtime");
  private static final int MASK = Epoll.EPOLLRDHUP | Epoll.EPOLLONESHOT;
  private static final int BATCH = 64;

  private record Watch(long id, int fd, Runnable onEnd) {}

  private final Epoll epoll = new Epoll(BATCH);
  private final Thread thread;
  private final Map<Long, Watch> byId = new HashMap<>();
  private final Map<Integer, Watch> byFd = new HashMap<>();
  private long nextId;
  private volatile boolean closing;

  private EndWatcher(String threadName) {
    thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  /**
   * Starts a watcher with its own daemon thread called {@code threadName}.
   *
   * @throws IllegalStateException naming the errno if the kernel refuses an epoll instance
   */
  public static EndWatcher start(String threadName) {
    EndWatcher watcher = new EndWatcher(threadName);
    watcher.thread.start();
    return watcher;
  }

  /**
   * Runs {@code onEnd} once, on the watcher's thread, when {@code socket} ends: its peer sent FIN,
   * the connection was reset, or an error is pending on it. If that has happened already, {@code
   * onEnd} runs at once (on the watcher's thread). A socket can be watched once at a time.
   *
   * @param socket any form {@link Sockets#fd(Object)} accepts, or an {@link Integer} fd
   * @throws IllegalStateException if the socket is watched already, or the watcher is closed
   * @throws IllegalArgumentException if {@code socket} is not an open socket of a supported kind
   */
  public void watch(Object socket, Runnable onEnd) {
    int fd = fdOf(socket);
    synchronized (this) {
      if (closing) {
        throw new IllegalStateException("this EndWatcher is closed");
      }
      Watch watch = new Watch(nextId++, fd, onEnd);
      int errno = epoll.add(fd, MASK, watch.id);
      if (errno == Errno.EEXIST) {
        throw new IllegalStateException(
            "fd " + fd + " is watched already; unwatch it before watching it again");
      }
      if (errno != 0) {
        throw new IllegalArgumentException(
            "cannot watch fd "
                + fd
                + ": epoll_ctl(ADD) failed with "
                + Errno.name(errno)
                + " ("
                + Errno.describe(errno)
                + "); pass an open socket");
      }
      Watch stale = byFd.put(fd, watch); // the number's earlier socket was closed unwatched
      if (stale != null) {
        byId.remove(stale.id);
      }
      byId.put(watch.id, watch);
    }
  }

  /**
   * Stops watching {@code socket}; its callback will not run.
   *
   * @return whether it was watched
   */
  public boolean unwatch(Object socket) {
    int fd = fdOf(socket);
    synchronized (this) {
      Watch watch = byFd.remove(fd);
      if (watch == null) {
        return false;
      }
      byId.remove(watch.id);
      epoll.delete(fd);
      return true;
    }
  }

  /** How many sockets are watched (including closed ones whose number was not reused yet). */
  public synchronized int watched() {
    return byId.size();
  }

  /** Stops the watcher's thread; no callback runs after this returns. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    epoll.wake();
    if (Thread.currentThread() != thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int fdOf(Object socket) {
    return socket instanceof Integer ? (Integer) socket : Sockets.fd(socket);
  }

  private void run() {
    try {
      while (!closing) {
        int ready = epoll.await();
        for (int i = 0; i < ready && !closing; i++) {
          long id = epoll.data(i);
          if (id != Epoll.WAKE) {
            ended(id);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, thread.getName() + " stopped: no more ends will be reported", e);
    } finally {
      synchronized (this) {
        closing = true;
        byId.clear();
        byFd.clear();
      }
      epoll.close();
    }
  }

  private void ended(long id) {
    Watch watch;
    synchronized (this) {
      watch = byId.remove(id);
      if (watch == null) {
        return; // unwatched after the event was taken
      }
      byFd.remove(watch.fd);
      epoll.delete(watch.fd);
    }
    try {
      watch.onEnd.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "an EndWatcher callback for fd " + watch.fd + " failed", e);
    }
  }
}
