package io.sockmap4j.runtime.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc functions the runtime needs, mapped with fixed arity.
 *
 * <p>Every function here reports failure by returning -1 and setting {@code errno}; callers read it
 * with {@link Native#getLastError()} immediately after the call, on the same thread, before any
 * other native call can overwrite it.
 */
public interface LibC extends Library {

  /** The process's C library. */
  LibC INSTANCE = Native.load("c", LibC.class);

  /**
   * {@code long syscall(long number, ...)}, mapped with the fixed three arguments of {@code bpf()}.
   * Passing only integer-class arguments makes the variadic and fixed calling conventions agree on
   * x86-64 and arm64.
   */
  long syscall(long number, long cmd, Pointer attr, long size);

  /** {@code int getsockopt(int fd, int level, int name, void *val, socklen_t *len)}. */
  int getsockopt(int fd, int level, int name, Pointer val, IntByReference len);

  /** {@code int setsockopt(int fd, int level, int name, const void *val, socklen_t len)}. */
  int setsockopt(int fd, int level, int name, Pointer val, int len);

  /** {@code int ioctl(int fd, unsigned long request, int *arg)}: the int-argument form. */
  int ioctl(int fd, long request, IntByReference arg);

  /**
   * {@code int statfs(const char *path, struct statfs *buf)}; {@code f_type} is the first field, a
   * {@code long} on x86-64 and arm64.
   */
  int statfs(String path, Pointer buf);

  /**
   * {@code int getrlimit(int resource, struct rlimit *rlim)}. {@code rlim} is 16 bytes on 64-bit
   * Linux: the soft limit {@code rlim_cur}, then the hard limit {@code rlim_max}, each a u64 {@code
   * rlim_t} where {@code RLIM_INFINITY} is all ones.
   */
  int getrlimit(int resource, Pointer rlim);

  /** {@code int setrlimit(int resource, const struct rlimit *rlim)}, the same layout. */
  int setrlimit(int resource, Pointer rlim);

  /**
   * {@code int open(const char *path, int flags)}, without a mode: for opening existing files and
   * directories only (a cgroup directory to attach to, the tracefs {@code trace_pipe}).
   */
  int open(String path, int flags);

  /** {@code ssize_t read(int fd, void *buf, size_t count)}. */
  long read(int fd, byte[] buf, long count);

  /** {@code int close(int fd)}. */
  int close(int fd);

  /** {@code char *strerror(int errnum)}: the C library's text for an errno value. */
  String strerror(int errnum);
}
