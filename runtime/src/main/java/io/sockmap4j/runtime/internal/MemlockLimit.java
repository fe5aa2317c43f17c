package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * {@code RLIMIT_MEMLOCK}: the bytes of memory a process may lock, which kernels before 5.11 also
 * charged every BPF map and program to (5.11 moved BPF memory to the memory cgroup).
 *
 * <pre>
 * struct rlimit (64-bit Linux):  0 rlim_cur (u64, soft)   8 rlim_max (u64, hard)
 * </pre>
 *
 * @param soft the limit in force, in bytes, or {@link #INFINITY}
 * @param hard the ceiling an unprivileged process may raise the soft limit to, or {@link #INFINITY}
 */
public record MemlockLimit(long soft, long hard) {

  /** {@code RLIM_INFINITY}, all ones, which reads as -1 in a signed long. */
  public static final long INFINITY = -1L;

  /** {@code RLIMIT_MEMLOCK} on x86-64 and arm64 ({@code asm-generic/resource.h}). */
  private static final int RLIMIT_MEMLOCK = 8;

  private static final int RLIMIT_SIZE = 16;

  /** The process's current limits ({@code getrlimit}). */
  public static MemlockLimit current() {
    Memory rlim = new Memory(RLIMIT_SIZE);
    rlim.clear();
    if (LibC.INSTANCE.getrlimit(RLIMIT_MEMLOCK, rlim) != 0) {
      throw failure("getrlimit", Native.getLastError());
    }
    return new MemlockLimit(rlim.getLong(0), rlim.getLong(8));
  }

  /**
   * Makes these the process's limits ({@code setrlimit}). Lowering the soft limit, or raising it up
   * to the hard limit, needs no privilege; raising the hard limit needs CAP_SYS_RESOURCE.
   */
  public void apply() {
    Memory rlim = new Memory(RLIMIT_SIZE);
    rlim.setLong(0, soft);
    rlim.setLong(8, hard);
    if (LibC.INSTANCE.setrlimit(RLIMIT_MEMLOCK, rlim) != 0) {
      throw failure("setrlimit", Native.getLastError());
    }
  }

  /** {@code "unlimited"}, or the soft limit in KiB as {@code ulimit -l} prints it. */
  public String describeSoft() {
    return soft == INFINITY ? "unlimited" : Long.toUnsignedString(soft / 1024) + " KiB";
  }

  private static IllegalStateException failure(String call, int errno) {
    return new IllegalStateException(
        call
            + "(RLIMIT_MEMLOCK) failed (errno "
            + errno
            + " "
            + Errno.name(errno)
            + ": "
            + Errno.describe(errno)
            + ")");
  }
}
