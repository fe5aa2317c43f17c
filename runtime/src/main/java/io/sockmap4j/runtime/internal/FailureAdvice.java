package io.sockmap4j.runtime.internal;

import static io.sockmap4j.runtime.internal.Errno.E2BIG;
import static io.sockmap4j.runtime.internal.Errno.EACCES;
import static io.sockmap4j.runtime.internal.Errno.EBADF;
import static io.sockmap4j.runtime.internal.Errno.EBUSY;
import static io.sockmap4j.runtime.internal.Errno.EEXIST;
import static io.sockmap4j.runtime.internal.Errno.EINVAL;
import static io.sockmap4j.runtime.internal.Errno.EMFILE;
import static io.sockmap4j.runtime.internal.Errno.ENOENT;
import static io.sockmap4j.runtime.internal.Errno.ENOMEM;
import static io.sockmap4j.runtime.internal.Errno.ENOSPC;
import static io.sockmap4j.runtime.internal.Errno.ENOSYS;
import static io.sockmap4j.runtime.internal.Errno.ENOTSUPP;
import static io.sockmap4j.runtime.internal.Errno.EOPNOTSUPP;
import static io.sockmap4j.runtime.internal.Errno.EPERM;

import java.util.List;

/**
 * Turns a failed {@code bpf()} command and its errno into the cause a user can act on.
 *
 * <p>The advice is a best guess from the errno alone; the exception keeps the raw errno and the C
 * library's text beside it so that a wrong guess never hides the facts.
 */
public final class FailureAdvice {

  static final String CAPABILITIES =
      "needs CAP_BPF and CAP_NET_ADMIN (run as root or grant the capabilities to the java binary)";
  static final String MEMLOCK =
      "on kernels before 5.11 BPF memory is charged to RLIMIT_MEMLOCK: raise it"
          + " (ulimit -l unlimited, or LimitMEMLOCK=infinity in a systemd unit)";
  static final String NO_BPF_SYSCALL =
      "the bpf() system call is not available: the kernel lacks CONFIG_BPF_SYSCALL, or a seccomp"
          + " filter (for example a container runtime's default profile) blocks it";
  static final String OLD_KERNEL =
      "kernel too old or built without CONFIG_BPF_STREAM_PARSER / CONFIG_NET_SOCK_MSG";

  static final String TEST_RUN_TYPES =
      "test runs need a SCHED_CLS or SOCKET_FILTER program: BPF_PROG_TEST_RUN does not support"
          + " SK_SKB or SK_MSG, so load the same instructions as SCHED_CLS to check them";

  private FailureAdvice() {}

  /** The advice for {@code errno} from {@code command}, or {@code null} when there is none. */
  public static String of(BpfCommand command, int errno) {
    KernelVersion kernel = KernelVersion.current();
    String advice = of(command, errno, kernel);
    if (errno == EPERM || errno == EACCES || errno == ENOMEM) {
      return refine(advice, kernel, Privileges.current());
    }
    return advice;
  }

  /**
   * Narrows generic permission advice to this process: names only the capabilities it lacks, and
   * when it has them all, says that something else refused (before 5.11 the locked-memory limit,
   * otherwise a security module, a seccomp filter, or capabilities held only in a user namespace,
   * which do not count for BPF). Adds the current RLIMIT_MEMLOCK to memlock advice.
   */
  static String refine(String advice, KernelVersion kernel, Privileges privileges) {
    if (advice == null) {
      return null;
    }
    if (advice.startsWith(CAPABILITIES) && privileges.known()) {
      List<String> missing = privileges.missingForSockmaps(kernel);
      String rest = advice.substring(CAPABILITIES.length());
      if (!missing.isEmpty()) {
        advice =
            "the process lacks "
                + String.join(" and ", missing)
                + " (run as root, or grant them: setcap cap_bpf,cap_net_admin+ep on the java"
                + " binary, AmbientCapabilities= in a systemd unit, --cap-add in a container)"
                + rest;
      } else {
        advice =
            "the process has CAP_BPF and CAP_NET_ADMIN, so something else refused: "
                + (kernel.isBefore(5, 11) ? "the locked-memory limit (see below), " : "")
                + "a security module (SELinux, AppArmor, kernel lockdown), a seccomp filter, or"
                + " capabilities held only inside a user namespace (a rootless container), which"
                + " do not count for BPF"
                + rest;
      }
    }
    if (advice.contains(MEMLOCK)) {
      advice =
          advice.replace(MEMLOCK, MEMLOCK + "; RLIMIT_MEMLOCK is now " + privileges.memlockText());
    }
    return advice;
  }

  static String of(BpfCommand command, int errno, KernelVersion kernel) {
    if (errno == ENOSYS) {
      return NO_BPF_SYSCALL;
    }
    if (errno == EMFILE) {
      return "the process has no free file descriptors (raise ulimit -n)";
    }
    if (errno == EBADF) {
      return "a file descriptor was not open: the object or socket was already closed";
    }
    switch (command) {
      case MAP_CREATE:
        return mapCreate(errno, kernel);
      case PROG_LOAD:
        return progLoad(errno);
      case PROG_ATTACH:
        return progAttach(errno);
      case PROG_TEST_RUN:
        return progTestRun(errno);
      case PROG_DETACH:
        return errno == ENOENT ? "no program of this attach type is attached to the map" : null;
      case LINK_CREATE:
        return linkCreate(errno);
      case OBJ_PIN:
        return objPin(errno);
      case OBJ_GET:
        return objGet(errno);
      case ENABLE_STATS:
        return enableStats(errno);
      case PROG_QUERY:
        return errno == EINVAL
            ? "the kernel cannot query programs attached to a sockmap (that needs Linux 5.19+)"
            : null;
      case MAP_UPDATE_ELEM:
        return errno == E2BIG ? "the key is out of range for the map (index >= max_entries)" : null;
      default:
        return errno == EPERM || errno == EACCES ? CAPABILITIES : null;
    }
  }

  private static String mapCreate(int errno, KernelVersion kernel) {
    boolean memlock = kernel.isBefore(5, 11) && (errno == EPERM || errno == ENOMEM);
    if (errno == EPERM || errno == EACCES) {
      return memlock ? CAPABILITIES + "; " + MEMLOCK : CAPABILITIES;
    }
    if (errno == ENOMEM) {
      return memlock ? MEMLOCK : "the kernel could not allocate the map (max_entries too large?)";
    }
    if (errno == EINVAL) {
      return "the kernel rejected the map definition (SOCKMAP needs key size 4 and value size"
          + " 4 or 8, SOCKHASH a key size of at most 512), or the "
          + OLD_KERNEL;
    }
    return null;
  }

  private static String progLoad(int errno) {
    if (errno == EPERM || errno == EACCES) {
      return CAPABILITIES;
    }
    if (errno == EINVAL) {
      return "the kernel does not accept this program type or its load attributes: " + OLD_KERNEL;
    }
    return null;
  }

  private static String progTestRun(int errno) {
    if (errno == ENOTSUPP || errno == EOPNOTSUPP) {
      return TEST_RUN_TYPES + " (the kernel has no test run for this program's type)";
    }
    if (errno == EINVAL) {
      return "the kernel refused the test input: SCHED_CLS and SOCKET_FILTER need at least 14"
          + " bytes of data (an Ethernet header), and their __sk_buff context may only set mark,"
          + " priority, ingress_ifindex, ifindex, cb[], tstamp, wire_len, gso_segs and gso_size;"
          + " or "
          + TEST_RUN_TYPES;
    }
    if (errno == ENOSPC) {
      return "the program grew the packet or context beyond the output buffer";
    }
    return errno == EPERM || errno == EACCES ? CAPABILITIES : null;
  }

  private static String progAttach(int errno) {
    if (errno == EPERM || errno == EACCES) {
      return CAPABILITIES;
    }
    if (errno == EINVAL) {
      return "the program type does not fit the attach type, or the target map is not a"
          + " SOCKMAP/SOCKHASH";
    }
    if (errno == EBUSY) {
      return "the map's slot for this attach type is owned by a bpf_link, or a conflicting"
          + " verdict program (SK_SKB_VERDICT beside STREAM_VERDICT) is attached";
    }
    return null;
  }

  static final String NO_SOCKMAP_LINKS =
      "bpf_links for sockmap programs need Linux 6.10+: on older kernels attach with"
          + " AttachMode.LEGACY (or AUTO, which falls back by itself)";

  private static String linkCreate(int errno) {
    if (errno == EPERM || errno == EACCES) {
      return CAPABILITIES;
    }
    if (errno == EINVAL || errno == EOPNOTSUPP || errno == ENOTSUPP) {
      return NO_SOCKMAP_LINKS
          + "; or the program type does not fit the attach type, or the target map is not a"
          + " SOCKMAP/SOCKHASH";
    }
    if (errno == EBUSY) {
      return "the map's slot for this attach type already has a program (attached by another"
          + " link or by BPF_PROG_ATTACH): detach it first, or a conflicting verdict program"
          + " (SK_SKB_VERDICT beside STREAM_VERDICT) is attached";
    }
    return null;
  }

  private static String objPin(int errno) {
    if (errno == EEXIST) {
      return "a file already exists at this path: pins are never overwritten; remove it or pin"
          + " to another directory";
    }
    if (errno == ENOENT) {
      return "the directory does not exist";
    }
    if (errno == EPERM || errno == EACCES || errno == EINVAL) {
      return "the path is not in a bpffs mount (mount -t bpf bpf /sys/fs/bpf), or the process may"
          + " not write there";
    }
    return null;
  }

  private static String objGet(int errno) {
    if (errno == ENOENT) {
      return "nothing is pinned at this path";
    }
    if (errno == EPERM || errno == EACCES) {
      return "the pin's permissions do not let this process open it (pins are 0600: open them as"
          + " their owner), or the path is not in a bpffs mount";
    }
    if (errno == EINVAL) {
      return "the path is not a pinned BPF object in a bpffs mount";
    }
    return null;
  }

  private static String enableStats(int errno) {
    if (errno == EPERM || errno == EACCES) {
      return "enabling BPF statistics needs CAP_SYS_ADMIN";
    }
    if (errno == EINVAL) {
      return "the kernel has no BPF_ENABLE_STATS (it needs Linux 5.8+); the sysctl"
          + " kernel.bpf_stats_enabled=1 does the same";
    }
    return null;
  }
}
