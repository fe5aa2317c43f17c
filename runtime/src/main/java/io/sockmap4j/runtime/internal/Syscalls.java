package io.sockmap4j.runtime.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The system calls on the hot paths (map operations, socket options), bound with JNA's direct
 * mapping: a call costs about 0.5 µs instead of the 4 µs of an interface-mapped {@link LibC} call,
 * which dominated socket inserts. Pointers are passed as raw addresses ({@link
 * Pointer#nativeValue}), which spares JNA converting an argument object; the caller keeps the
 * memory reachable until the call returns. JNA still records {@code errno}, so callers read it with
 * {@link Native#getLastError()} right after a failed call, as with {@link LibC}.
 */
final class Syscalls {

  static {
    Native.register(Syscalls.class, NativeLibrary.getInstance("c"));
  }

  private Syscalls() {}

  /** {@code long syscall(long number, ...)} with the three arguments of {@code bpf()}. */
  static native long syscall(long number, long cmd, long attr, long size);

  /** {@code int getsockopt(int fd, int level, int name, void *val, socklen_t *len)}. */
  static native int getsockopt(int fd, int level, int name, long val, long len);

  /** {@code int setsockopt(int fd, int level, int name, const void *val, socklen_t len)}. */
  static native int setsockopt(int fd, int level, int name, long val, int len);
}
