package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.BpfCgroups;
import io.sockmap4j.runtime.internal.BpfLinks;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One program attached to a cgroup v2 directory (a {@code @SockOps} program): the cgroup's fd, kept
 * open because detaching needs it, and the link if the attachment is a bpf_link.
 *
 * <p>Legacy attachments use {@code BPF_F_ALLOW_MULTI}, so that attaching never evicts a program
 * someone else attached to the cgroup, and detaching names this program's fd so that it removes
 * only this one. {@link AttachMode#AUTO} tries a link first (cgroup links: Linux 5.7) and falls
 * back to the legacy attach when the kernel refuses the link with EINVAL or EOPNOTSUPP.
 */
final class CgroupAttachment {
  private final Path cgroup;
  private final OwnedFd cgroupFd;
  private final OwnedFd link;
  private final int linkId;
  private final int attachType;

  private CgroupAttachment(Path cgroup, OwnedFd cgroupFd, OwnedFd link, int linkId, int type) {
    this.cgroup = cgroup;
    this.cgroupFd = cgroupFd;
    this.link = link;
    this.linkId = linkId;
    this.attachType = type;
  }

  /**
   * Checks that {@code cgroup} is a cgroup v2 directory, before anything is created.
   *
   * @throws IllegalArgumentException naming what is wrong with the path
   */
  static void check(Path cgroup) {
    if (!Files.isDirectory(cgroup)) {
      throw new IllegalArgumentException(
          "the cgroup "
              + cgroup
              + " for the @SockOps programs is not a directory: give a cgroup v2 directory, for"
              + " example /sys/fs/cgroup/<name> (create it with mkdir and move the processes"
              + " whose connections the programs should see into it through cgroup.procs)");
    }
    if (!BpfCgroups.isCgroup2(cgroup.toString())) {
      throw new IllegalArgumentException(
          cgroup
              + " is not in a cgroup v2 file system: @SockOps programs attach to cgroup v2 only."
              + " Find its mount with 'mount -t cgroup2' (on hybrid systems often"
              + " /sys/fs/cgroup/unified)");
    }
  }

  /** Attaches {@code program} to {@code cgroup} as {@code mode} says. */
  static CgroupAttachment attach(
      String programName, OwnedFd program, int attachType, Path cgroup, AttachMode mode) {
    String subject = programName + " to cgroup " + cgroup + " (attach type " + attachType + ")";
    int opened = BpfCgroups.open(cgroup.toString());
    if (opened < 0) {
      throw new BpfException(
          "open " + cgroup, -opened, "cannot open the cgroup directory to attach " + programName);
    }
    OwnedFd cgroupFd = new OwnedFd(opened, "cgroup " + cgroup);
    try {
      int progFd = program.acquire();
      try {
        if (mode != AttachMode.LEGACY) {
          long linkFd = BpfCgroups.tryLinkCreate(progFd, opened, attachType);
          if (linkFd >= 0) {
            OwnedFd link = new OwnedFd((int) linkFd, "cgroup link of program " + programName);
            try {
              int id = BpfLinks.linkInfo((int) linkFd).id();
              return new CgroupAttachment(cgroup, cgroupFd, link, id, attachType);
            } catch (RuntimeException e) {
              link.close();
              throw e;
            }
          }
          int errno = (int) -linkFd;
          boolean noLinks = errno == Errno.EINVAL || errno == Errno.EOPNOTSUPP;
          if (mode == AttachMode.LINK || !noLinks) {
            throw new BpfException(
                "BPF_LINK_CREATE " + subject,
                errno,
                noLinks
                    ? "this kernel has no bpf_link for cgroups (Linux 5.7+); use"
                        + " AttachMode.LEGACY or AUTO"
                    : null);
          }
        }
        BpfCgroups.progAttach(subject, opened, progFd, attachType, BpfCgroups.ALLOW_MULTI);
        return new CgroupAttachment(cgroup, cgroupFd, null, 0, attachType);
      } finally {
        program.release();
      }
    } catch (RuntimeException e) {
      cgroupFd.close();
      throw e;
    }
  }

  /** Detaches the program (it stops running for new events at once) and closes the fds. */
  void detach(String programName, OwnedFd program) {
    String subject = programName + " from cgroup " + cgroup;
    try {
      if (link != null) {
        int fd = link.acquire();
        try {
          BpfLinks.linkDetach(subject, fd);
        } finally {
          link.release();
        }
        return;
      }
      int cgroupValue = cgroupFd.acquire();
      try {
        int progFd = program.acquire();
        try {
          BpfCgroups.progDetach(subject, cgroupValue, progFd, attachType);
        } finally {
          program.release();
        }
      } finally {
        cgroupFd.release();
      }
    } finally {
      close();
    }
  }

  /** Closes this process's fds (the link's fd closes the link and so detaches it too). */
  void close() {
    if (link != null) {
      link.close();
    }
    cgroupFd.close();
  }

  Attachment describe(String programName) {
    return new Attachment(
        programName,
        cgroup.toString(),
        attachType,
        link == null ? AttachMode.LEGACY : AttachMode.LINK,
        linkId);
  }
}
