package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * An epoll instance with an eventfd to wake its waiter, for {@code EndWatcher}: the JDK's {@code
 * Selector} always asks epoll for {@code EPOLLIN} on a read registration, and cannot ask for {@code
 * EPOLLRDHUP} alone.
 *
 * <p>{@code struct epoll_event} is {@code {u32 events; u64 data;}}, packed to 12 bytes on x86-64
 * and padded to 16 (data at offset 8) elsewhere.
 */
public final class Epoll implements AutoCloseable {

  static {
    Native.register(Epoll.class, NativeLibrary.getInstance("c"));
  }

  /** The peer shut down its sending side (FIN): Linux 2.6.17. */
  public static final int EPOLLRDHUP = 0x2000;

  /** An error is pending on the socket; always reported. */
  public static final int EPOLLERR = 0x008;

  /** Both directions are shut down, or the connection was reset; always reported. */
  public static final int EPOLLHUP = 0x010;

  /** Report an event once, then disable the registration until it is modified or deleted. */
  public static final int EPOLLONESHOT = 1 << 30;

  private static final int EPOLLIN = 0x001;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLL_CLOEXEC = 0x80000;
  private static final int EFD_CLOEXEC = 0x80000;
  private static final int EFD_NONBLOCK = 0x800;
  private static final boolean PACKED = Platform.isIntel() && Platform.is64Bit();
  private static final int EVENT_SIZE = PACKED ? 12 : 16;
  private static final int DATA_OFFSET = PACKED ? 4 : 8;

  /** The {@code data} value of the eventfd's registration; callers' values must differ. */
  public static final long WAKE = -1L;

  private static native int epoll_create1(int flags);

  private static native int epoll_ctl(int epfd, int op, int fd, long event);

  private static native int epoll_wait(int epfd, long events, int maxevents, int timeout);

  private static native int eventfd(int initval, int flags);

  private static native long write(int fd, long buf, long count);

  private static native int close(int fd);

  private final int epfd;
  private final int wakeFd;
  private final Memory control = new Memory(EVENT_SIZE);
  private final Memory events;
  private final int capacity;
  private volatile boolean closed;

  /**
   * Creates the epoll instance with room for {@code capacity} events per {@link #await()}.
   *
   * @throws IllegalStateException naming the errno if the kernel refuses (e.g. EMFILE)
   */
  public Epoll(int capacity) {
    this.capacity = capacity;
    this.events = new Memory((long) EVENT_SIZE * capacity);
    epfd = check(epoll_create1(EPOLL_CLOEXEC), "epoll_create1");
    int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) {
      int errno = Native.getLastError();
      close(epfd);
      throw failure("eventfd", errno);
    }
    wakeFd = wake;
    synchronized (control) {
      control.setInt(0, EPOLLIN);
      control.setLong(DATA_OFFSET, WAKE);
      if (epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFd, Pointer.nativeValue(control)) < 0) {
        int errno = Native.getLastError();
        close(wakeFd);
        close(epfd);
        throw failure("epoll_ctl(ADD eventfd)", errno);
      }
    }
  }

  /**
   * Registers {@code fd} for {@code mask} with {@code data} as its tag.
   *
   * @return 0, or the errno of the refusal (EEXIST: this open file is registered already)
   */
  public int add(int fd, int mask, long data) {
    synchronized (control) {
      control.setInt(0, mask);
      control.setLong(DATA_OFFSET, data);
      return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, Pointer.nativeValue(control)) < 0
          ? Native.getLastError()
          : 0;
    }
  }

  /** Deregisters {@code fd}; returns 0 or the errno (ENOENT, EBADF: it was gone already). */
  public int delete(int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, 0) < 0 ? Native.getLastError() : 0;
  }

  /**
   * Waits for events with no timeout and returns how many are ready (read them with {@link
   * #data(int)} and {@link #events(int)}), or 0 if interrupted by a signal. Only one thread may
   * wait.
   */
  public int await() {
    int n = epoll_wait(epfd, Pointer.nativeValue(events), capacity, -1);
    if (n < 0) {
      int errno = Native.getLastError();
      if (errno == Errno.EINTR) {
        return 0;
      }
      throw failure("epoll_wait", errno);
    }
    return n;
  }

  /** The {@code data} tag of ready event {@code i}. */
  public long data(int i) {
    return events.getLong((long) i * EVENT_SIZE + DATA_OFFSET);
  }

  /** The event mask of ready event {@code i}. */
  public int events(int i) {
    return events.getInt((long) i * EVENT_SIZE);
  }

  /** Makes the waiting {@link #await()} return with a {@link #WAKE} event. */
  public synchronized void wake() {
    if (closed) {
      return; // the numbers may belong to someone else by now
    }
    try (Memory one = new Memory(8)) {
      one.setLong(0, 1);
      write(wakeFd, Pointer.nativeValue(one), 8);
    }
  }

  /** Closes the epoll instance and the eventfd; call only once no thread waits. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    close(wakeFd);
    close(epfd);
  }

  private static int check(int result, String call) {
    if (result < 0) {
      throw failure(call, Native.getLastError());
    }
    return result;
  }

  private static IllegalStateException failure(String call, int errno) {
    return new IllegalStateException(
        call + " failed: " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
  }
}
