package io.sockmap4j.runtime.internal;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process's effective capabilities ({@code CapEff} in {@code /proc/self/status}) and its
 * locked-memory limit, read when a {@code bpf()} call is refused so that the advice can name what
 * is missing instead of listing everything that might be.
 *
 * @param effective the {@code CapEff} bit mask, or -1 when it could not be read
 * @param memlockBytes the soft {@code RLIMIT_MEMLOCK} in bytes, {@link #UNLIMITED}, or -2 when
 *     unknown
 */
public record Privileges(long effective, long memlockBytes) {

  static final int CAP_NET_ADMIN = 12;
  static final int CAP_SYS_ADMIN = 21;
  static final int CAP_BPF = 39;

  /** {@link #memlockBytes} value for {@code RLIM_INFINITY}. */
  static final long UNLIMITED = -1;

  private static final int RLIMIT_MEMLOCK = 8;

  /** Reads the current process's capabilities and limit; unknown parts read as -1 / -2. */
  public static Privileges current() {
    return new Privileges(readEffective(Path.of("/proc/self/status")), readMemlock());
  }

  /** Whether the capability mask could be read. */
  boolean known() {
    return effective != -1;
  }

  boolean has(int capability) {
    return (effective & (1L << capability)) != 0;
  }

  /**
   * The capabilities a sockmap user lacks, named as a user would grant them: {@code CAP_BPF} (or
   * {@code CAP_SYS_ADMIN}, which implies it; before 5.8 only {@code CAP_SYS_ADMIN}) and {@code
   * CAP_NET_ADMIN}. Empty when all are present or the mask is unknown.
   */
  List<String> missingForSockmaps(KernelVersion kernel) {
    List<String> missing = new ArrayList<>();
    if (!known()) {
      return missing;
    }
    if (kernel.isBefore(5, 8)) {
      if (!has(CAP_SYS_ADMIN)) {
        missing.add("CAP_SYS_ADMIN (kernels before 5.8 have no CAP_BPF)");
      }
    } else if (!has(CAP_BPF) && !has(CAP_SYS_ADMIN)) {
      missing.add("CAP_BPF");
    }
    if (!has(CAP_NET_ADMIN)) {
      missing.add("CAP_NET_ADMIN");
    }
    return missing;
  }

  /** The limit as a person would write it: {@code "unlimited"}, {@code "64 KiB"}. */
  String memlockText() {
    if (memlockBytes == UNLIMITED) {
      return "unlimited";
    }
    if (memlockBytes < 0) {
      return "unknown";
    }
    return memlockBytes % 1024 == 0 ? memlockBytes / 1024 + " KiB" : memlockBytes + " bytes";
  }

  static long readEffective(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc not mounted: the advice falls back to naming every capability.
    }
    return -1;
  }

  private static long readMemlock() {
    try {
      Memory limit = new Memory(2 * Long.BYTES);
      if (Limits.INSTANCE.getrlimit(RLIMIT_MEMLOCK, limit) != 0) {
        return -2;
      }
      return limit.getLong(0); // rlim_cur; RLIM_INFINITY is all ones, which reads as -1
    } catch (LinkageError e) {
      return -2;
    }
  }

  /** {@code getrlimit(2)}, which only this class needs. */
  private interface Limits extends Library {
    Limits INSTANCE = Native.load("c", Limits.class);

    int getrlimit(int resource, Pointer limit);
  }
}
