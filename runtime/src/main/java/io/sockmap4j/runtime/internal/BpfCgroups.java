package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * Attaching programs to a cgroup v2 directory: opening it, and the {@code bpf()} commands with a
 * cgroup fd as the target.
 *
 * <pre>
 * prog_attach/detach attr:  0 target_fd (the cgroup)  4 attach_bpf_fd  8 attach_type
 *                          12 attach_flags (BPF_F_ALLOW_MULTI = 2: keep other programs)
 * link_create attr:         0 prog_fd  4 target_fd (the cgroup)  8 attach_type  12 flags (0)
 * </pre>
 *
 * <p>cgroup attachment: Linux 4.10; {@code BPF_F_ALLOW_MULTI}: 4.15; cgroup bpf_links: 5.7.
 */
public final class BpfCgroups {

  /** {@code BPF_CGROUP_SOCK_OPS}. */
  public static final int ATTACH_SOCK_OPS = 3;

  /** {@code BPF_F_ALLOW_MULTI}: attach beside the cgroup's other programs, never replacing one. */
  public static final int ALLOW_MULTI = 2;

  /** {@code CGROUP2_SUPER_MAGIC}, the {@code f_type} of a cgroup v2 file system. */
  private static final long CGROUP2_MAGIC = 0x63677270L;

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 02000000;

  private BpfCgroups() {}

  /**
   * Whether {@code path} is in a cgroup v2 file system ({@code statfs} {@code f_type}); false when
   * it cannot be examined.
   */
  public static boolean isCgroup2(String path) {
    Memory buf = new Memory(256);
    buf.clear();
    if (LibC.INSTANCE.statfs(path, buf) != 0) {
      return false;
    }
    return buf.getLong(0) == CGROUP2_MAGIC;
  }

  /**
   * Opens the cgroup directory {@code path} read-only: the fd the kernel takes as the attach
   * target. Returns {@code -errno} on failure.
   */
  public static int open(String path) {
    int fd = LibC.INSTANCE.open(path, O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : -Native.getLastError();
  }

  /**
   * {@code BPF_PROG_ATTACH} of {@code progFd} to the cgroup {@code cgroupFd} with {@code flags}.
   */
  public static void progAttach(
      String subject, int cgroupFd, int progFd, int attachType, int flags) {
    Bpf.require(BpfCommand.PROG_ATTACH, subject, attr(cgroupFd, progFd, attachType, flags));
  }

  /** {@code BPF_PROG_DETACH} of exactly {@code progFd} from the cgroup (with ALLOW_MULTI). */
  public static void progDetach(String subject, int cgroupFd, int progFd, int attachType) {
    Bpf.require(BpfCommand.PROG_DETACH, subject, attr(cgroupFd, progFd, attachType, 0));
  }

  /**
   * {@code BPF_LINK_CREATE} of {@code progFd} to the cgroup; returns the link fd, or {@code -errno}
   * so the caller can fall back to {@link #progAttach} on kernels before 5.7.
   */
  public static long tryLinkCreate(int progFd, int cgroupFd, int attachType) {
    Memory attr = Bpf.attr();
    attr.setInt(0, progFd);
    attr.setInt(4, cgroupFd);
    attr.setInt(8, attachType);
    return Bpf.invoke(BpfCommand.LINK_CREATE, attr);
  }

  private static Memory attr(int cgroupFd, int progFd, int attachType, int flags) {
    Memory attr = Bpf.attr();
    attr.setInt(0, cgroupFd);
    attr.setInt(4, progFd);
    attr.setInt(8, attachType);
    attr.setInt(12, flags);
    return attr;
  }
}
