package io.sockmap4j.runtime.internal;

/**
 * A file descriptor this process owns, closed exactly once, never while a call is using it.
 *
 * <p>File descriptor numbers are reused as soon as they are closed: a map operation racing a {@code
 * close()} could otherwise land on whatever the number refers to next. Every use is bracketed by
 * {@link #acquire()} and {@link #release()}; {@link #close()} marks the descriptor closed at once
 * (new acquires fail) and the last user to release it performs the actual close.
 */
public final class OwnedFd {

  private final int fd;
  private final String description;
  private int users;
  private boolean closeRequested;
  private boolean closed;

  /**
   * Takes ownership of {@code fd}.
   *
   * @param description what the descriptor refers to, for the "is closed" message
   */
  public OwnedFd(int fd, String description) {
    this.fd = fd;
    this.description = description;
  }

  /** The descriptor for one use, which must be ended with {@link #release()}. */
  public synchronized int acquire() {
    if (closeRequested) {
      throw new IllegalStateException(description + " is closed");
    }
    users++;
    return fd;
  }

  /** Ends a use begun by {@link #acquire()}. */
  public void release() {
    boolean closeNow;
    synchronized (this) {
      users--;
      closeNow = takeCloseDuty();
    }
    if (closeNow) {
      LibC.INSTANCE.close(fd);
    }
  }

  /** Closes the descriptor now, or when its last current user releases it. Idempotent. */
  public void close() {
    boolean closeNow;
    synchronized (this) {
      closeRequested = true;
      closeNow = takeCloseDuty();
    }
    if (closeNow) {
      LibC.INSTANCE.close(fd);
    }
  }

  /** Whether {@link #close()} has been called. */
  public synchronized boolean isClosed() {
    return closeRequested;
  }

  private boolean takeCloseDuty() {
    if (closeRequested && users == 0 && !closed) {
      closed = true;
      return true;
    }
    return false;
  }
}
