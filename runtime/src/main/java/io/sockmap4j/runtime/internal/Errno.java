package io.sockmap4j.runtime.internal;

import java.util.Map;

/** Linux errno values the runtime reacts to, and their symbolic names. */
public final class Errno {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EINVAL = 22;
  public static final int EMFILE = 24;
  public static final int ENOSPC = 28;
  public static final int ENOSYS = 38;
  public static final int ELOOP = 40;
  public static final int ENOPROTOOPT = 92;
  public static final int ENOTSOCK = 88;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOTCONN = 107;

  /** Kernel-internal "not supported" that some bpf() paths leak to user space. */
  public static final int ENOTSUPP = 524;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(EPERM, "EPERM"),
          Map.entry(ENOENT, "ENOENT"),
          Map.entry(3, "ESRCH"),
          Map.entry(EINTR, "EINTR"),
          Map.entry(5, "EIO"),
          Map.entry(6, "ENXIO"),
          Map.entry(E2BIG, "E2BIG"),
          Map.entry(EBADF, "EBADF"),
          Map.entry(EAGAIN, "EAGAIN"),
          Map.entry(ENOMEM, "ENOMEM"),
          Map.entry(EACCES, "EACCES"),
          Map.entry(EFAULT, "EFAULT"),
          Map.entry(EBUSY, "EBUSY"),
          Map.entry(EEXIST, "EEXIST"),
          Map.entry(19, "ENODEV"),
          Map.entry(EINVAL, "EINVAL"),
          Map.entry(23, "ENFILE"),
          Map.entry(EMFILE, "EMFILE"),
          Map.entry(ENOSPC, "ENOSPC"),
          Map.entry(34, "ERANGE"),
          Map.entry(ENOSYS, "ENOSYS"),
          Map.entry(ELOOP, "ELOOP"),
          Map.entry(ENOTSOCK, "ENOTSOCK"),
          Map.entry(ENOPROTOOPT, "ENOPROTOOPT"),
          Map.entry(93, "EPROTONOSUPPORT"),
          Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
          Map.entry(97, "EAFNOSUPPORT"),
          Map.entry(ENOTCONN, "ENOTCONN"),
          Map.entry(ENOTSUPP, "ENOTSUPP"));

  private Errno() {}

  /** The symbolic name ({@code "EPERM"}), or {@code "errno N"} for values not in the table. */
  public static String name(int errno) {
    return NAMES.getOrDefault(errno, "errno " + errno);
  }

  /** The C library's description of {@code errno}, as {@code strerror(3)} gives it. */
  public static String describe(int errno) {
    if (errno == ENOTSUPP) {
      return "Operation not supported (kernel-internal ENOTSUPP)";
    }
    try {
      String text = LibC.INSTANCE.strerror(errno);
      return text == null ? "unknown error" : text;
    } catch (LinkageError e) {
      return "strerror unavailable: " + e.getMessage();
    }
  }
}
