package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.file.Path;

/** Whether a path lies in a bpffs mount, the only file system that can hold BPF pins. */
public final class Bpffs {

  /** {@code BPF_FS_MAGIC} from {@code linux/magic.h}. */
  static final long MAGIC = 0xcafe4a11L;

  /** Bytes of {@code struct statfs} (120 on x86-64 and arm64), with room to spare. */
  private static final int STATFS_SIZE = 256;

  private Bpffs() {}

  /**
   * Whether the existing file or directory {@code path} is in a bpffs mount.
   *
   * @throws IllegalStateException if {@code statfs} fails (the message has the errno)
   */
  public static boolean contains(Path path) {
    Memory buffer = new Memory(STATFS_SIZE);
    buffer.clear();
    if (LibC.INSTANCE.statfs(path.toString(), buffer) != 0) {
      int errno = Native.getLastError();
      throw new IllegalStateException(
          "statfs "
              + path
              + " failed (errno "
              + errno
              + " "
              + Errno.name(errno)
              + ": "
              + Errno.describe(errno)
              + ")");
    }
    return (buffer.getLong(0) & 0xffffffffL) == MAGIC;
  }
}
