package io.sockmap4j.runtime;

import io.sockmap4j.runtime.DoctorCheck.Status;
import io.sockmap4j.runtime.KernelFeatures.Support;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.MemlockLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Tells a user what their kernel and process can do for sockmap4j, and how to fix what they cannot.
 *
 * <p>{@link #examine()} asks the kernel directly through {@link KernelFeatures} (it creates tiny
 * maps and programs named {@value KernelFeatures#NAME_PREFIX}{@code *}, attaches them and frees
 * them again) and reads the process's capabilities, memlock limit and BPF sysctls. Nothing is
 * cached and nothing is inferred from the kernel version, which is printed for information only. A
 * check that depends on a failed one is reported as SKIPPED rather than probed.
 *
 * <p>From the command line: {@code java -jar sockmap4j-runtime-<version>-cli.jar doctor}.
 */
public final class Doctor {

  static final String CAPABILITY_FIX =
      "run as root, or grant the capabilities to the java binary: sudo setcap"
          + " cap_bpf,cap_net_admin+ep $(readlink -f $(which java)) (CAP_BPF needs Linux 5.8+;"
          + " before that, CAP_SYS_ADMIN); under systemd: AmbientCapabilities=CAP_BPF"
          + " CAP_NET_ADMIN; in a container: --cap-add BPF --cap-add NET_ADMIN (capabilities of a"
          + " user namespace, as in rootless containers, do not count for bpf())";
  static final String MEMLOCK_FIX =
      "raise the limit: ulimit -l unlimited; under systemd: LimitMEMLOCK=infinity; in docker:"
          + " --ulimit memlock=-1:-1";
  static final String NO_SYSCALL_FIX =
      "use a kernel built with CONFIG_BPF_SYSCALL=y, or allow bpf() in the seccomp profile (a"
          + " container runtime's default profile blocks it: run with a profile that allows bpf,"
          + " or --security-opt seccomp=unconfined)";
  static final String ADD_OPENS_FIX =
      "start java with --add-opens java.base/sun.nio.ch=ALL-UNNAMED (the sockmap4j cli jar sets"
          + " it in its manifest), or pass int fds to sockmap4j";

  private static final long MEMLOCK_COMFORTABLE = 64L << 20;

  private static final Item KERNEL = Item.info("kernel", "kernel release");
  private static final Item BPF = Item.required("bpf", "bpf() system call usable", "3.18");
  private static final Item UNPRIVILEGED = Item.info("unpriv_bpf", "unprivileged bpf() sysctl");
  private static final Item CAPABILITIES =
      Item.required("caps", "capabilities CAP_BPF + CAP_NET_ADMIN", "5.8");
  private static final Item MEMLOCK = Item.optional("memlock", "RLIMIT_MEMLOCK", "");
  private static final Item SOCKMAP = Item.required("sockmap", "create a SOCKMAP", "4.14");
  private static final Item SOCKHASH = Item.required("sockhash", "create a SOCKHASH", "4.18");
  private static final Item SK_SKB =
      Item.required("sk_skb", "SK_SKB stream parser + verdict attach", "4.14");
  private static final Item SKB_VERDICT =
      Item.optional("skb_verdict", "SK_SKB_VERDICT attach (optional)", "5.13");
  private static final Item SK_MSG = Item.required("sk_msg", "SK_MSG verdict attach", "4.17");
  private static final Item INSERT =
      Item.required("insert", "TCP socket into a SOCKMAP, bytes flow", "4.14");
  private static final Item LINK =
      Item.optional("link", "bpf_link for sockmaps (optional)", "6.10");
  private static final Item BTF = Item.optional("btf", "BTF line info (optional)", "5.0");
  private static final Item JIT = Item.info("jit", "BPF JIT compiler");
  private static final Item STATS = Item.info("stats", "BPF run-time statistics");

  private final KernelFeatures features;

  Doctor(KernelFeatures features) {
    this.features = features;
  }

  /** Runs every check now and returns what was found. Takes a few milliseconds. */
  public static DoctorReport examine() {
    return new Doctor(KernelFeatures.probes()).run();
  }

  DoctorReport run() {
    List<DoctorCheck> checks = new ArrayList<>();
    checks.add(
        KERNEL.info(kernelRelease() + " (for information: every check below asks the kernel)"));
    DoctorCheck caps = capabilities();
    checks.add(caps);
    DoctorCheck bpf = bpfSyscall();
    checks.add(bpf);
    checks.add(unprivilegedBpf());
    boolean bpfWorks = bpf.status() == Status.OK;
    checks.add(memlock(bpfWorks));
    DoctorCheck sockmap = bpfWorks ? probe(SOCKMAP, features::sockmap) : skipped(SOCKMAP, BPF);
    checks.add(sockmap);
    checks.add(bpfWorks ? probe(SOCKHASH, features::sockhash) : skipped(SOCKHASH, BPF));
    boolean sockmapWorks = sockmap.status() == Status.OK;
    DoctorCheck skSkb =
        sockmapWorks ? probe(SK_SKB, features::streamParserAndVerdict) : skipped(SK_SKB, SOCKMAP);
    checks.add(skSkb);
    checks.add(
        sockmapWorks ? probe(SKB_VERDICT, features::skbVerdict) : skipped(SKB_VERDICT, SOCKMAP));
    checks.add(sockmapWorks ? probe(SK_MSG, features::skMsg) : skipped(SK_MSG, SOCKMAP));
    checks.add(skSkb.status() == Status.OK ? socketInsert() : skipped(INSERT, SK_SKB));
    checks.add(sockmapLink(sockmapWorks));
    checks.add(btfLineInfo(bpfWorks));
    checks.add(jit());
    checks.add(stats());
    return new DoctorReport(system(), referCapabilityFixes(checks));
  }

  /**
   * Where the capability check already prints the capability fix, the other checks that were
   * refused for lack of permission point at it instead of repeating it.
   */
  private static List<DoctorCheck> referCapabilityFixes(List<DoctorCheck> checks) {
    boolean capsMissing =
        checks.stream()
            .anyMatch(c -> c.id().equals(CAPABILITIES.id) && c.status() == Status.MISSING);
    if (!capsMissing) {
      return checks;
    }
    List<DoctorCheck> referred = new ArrayList<>();
    for (DoctorCheck c : checks) {
      boolean repeats = !c.id().equals(CAPABILITIES.id) && c.fix().equals(CAPABILITY_FIX);
      referred.add(
          repeats
              ? new DoctorCheck(
                  c.id(),
                  c.title(),
                  c.status(),
                  c.required(),
                  c.found(),
                  c.needs(),
                  "grant the capabilities (see " + CAPABILITIES.id + ")")
              : c);
    }
    return referred;
  }

  private DoctorCheck sockmapLink(boolean sockmapWorks) {
    return sockmapWorks ? probe(LINK, features::sockmapLink) : skipped(LINK, SOCKMAP);
  }

  private DoctorCheck btfLineInfo(boolean bpfWorks) {
    return bpfWorks ? probe(BTF, features::btfLineInfo) : skipped(BTF, BPF);
  }

  private DoctorCheck bpfSyscall() {
    Support support = features.bpfSyscall();
    if (support.supported()) {
      return BPF.ok(support.detail());
    }
    switch (support.errno()) {
      case Errno.ENOSYS:
        return BPF.missing(support.detail(), NO_SYSCALL_FIX);
      case Errno.EPERM:
      case Errno.EACCES:
        return BPF.missing(support.detail(), CAPABILITY_FIX);
      default:
        return BPF.missing(support.detail(), "see what was found; the errno names the cause");
    }
  }

  private DoctorCheck probe(Item item, Supplier<Support> probe) {
    Support support;
    try {
      support = probe.get();
    } catch (RuntimeException e) {
      return item.missing("the probe failed unexpectedly: " + e, "please report this");
    }
    if (support.supported()) {
      return item.ok(support.detail());
    }
    int errno = support.errno();
    String fix = errno == Errno.EPERM || errno == Errno.EACCES ? CAPABILITY_FIX : featureFix(item);
    return item.missing(support.detail(), fix);
  }

  private static String featureFix(Item item) {
    if (item == SOCKMAP || item == SOCKHASH) {
      return "use Linux "
          + item.needs
          + "+ built with CONFIG_BPF_STREAM_PARSER=y or CONFIG_NET_SOCK_MSG=y";
    }
    if (item == SK_SKB) {
      return "use Linux 4.14+ built with CONFIG_BPF_STREAM_PARSER=y";
    }
    if (item == SK_MSG) {
      return "use Linux 4.17+ built with CONFIG_NET_SOCK_MSG=y";
    }
    if (item == SKB_VERDICT) {
      return "use Linux 5.13+; only verdicts without a stream parser (UDP, AF_UNIX) need it";
    }
    if (item == LINK) {
      return "optional: use Linux 6.10+ for links; meanwhile AttachMode.AUTO attaches with"
          + " BPF_PROG_ATTACH, which works the same but cannot pin a link";
    }
    if (item == BTF) {
      return "optional: use a kernel with BTF (Linux 5.0+, CONFIG_DEBUG_INFO_BTF); meanwhile"
          + " programs load without line info and verifier errors use sockmap4j's own line table";
    }
    return "use Linux " + item.needs + "+ with sockmap support; the errno above names the cause";
  }

  private DoctorCheck socketInsert() {
    try {
      return probe(INSERT, features::socketInsert);
    } catch (SocketAccessException e) {
      return INSERT.warn("could not test: " + e.getMessage(), ADD_OPENS_FIX);
    }
  }

  private DoctorCheck capabilities() {
    Optional<DoctorCapabilities> caps;
    try {
      caps = DoctorCapabilities.parseStatus(read("/proc/self/status"));
    } catch (IOException e) {
      return CAPABILITIES.warn("could not read /proc/self/status: " + e, "");
    }
    if (caps.isEmpty()) {
      return CAPABILITIES.warn("/proc/self/status has no CapEff line", "");
    }
    DoctorCapabilities held = caps.get();
    return held.sufficient()
        ? CAPABILITIES.ok(held.describe())
        : CAPABILITIES.missing(held.describe(), CAPABILITY_FIX);
  }

  private DoctorCheck memlock(boolean bpfWorks) {
    MemlockLimit limit;
    try {
      limit = KernelFeatures.memlockLimit();
    } catch (RuntimeException | LinkageError e) {
      return MEMLOCK.warn("could not read RLIMIT_MEMLOCK: " + e.getMessage(), "");
    }
    String soft = "soft limit " + limit.describeSoft();
    boolean comfortable =
        limit.soft() == MemlockLimit.INFINITY
            || Long.compareUnsigned(limit.soft(), MEMLOCK_COMFORTABLE) >= 0;
    if (!bpfWorks) {
      return MEMLOCK.info(
          soft
              + "; not probed whether BPF memory counts against it (bpf() refused): it does"
              + " before Linux 5.11 unless the kernel charges the memory cgroup");
    }
    Support memcg = features.memcgAccounting();
    if (memcg.supported()) {
      return MEMLOCK.ok(soft + "; does not matter: " + memcg.detail());
    }
    if (memcg.errno() != Errno.EPERM) {
      return MEMLOCK.warn(soft + "; accounting probe failed: " + memcg.detail(), "");
    }
    String found = soft + "; counts: " + memcg.detail() + " (kernels before 5.11)";
    return comfortable ? MEMLOCK.ok(found) : MEMLOCK.warn(found, MEMLOCK_FIX);
  }

  private DoctorCheck unprivilegedBpf() {
    String path = "/proc/sys/kernel/unprivileged_bpf_disabled";
    return UNPRIVILEGED.info(
        sysctl(
            path,
            value -> {
              switch (value) {
                case "0":
                  return "0: unprivileged bpf() allowed (sockmaps still need CAP_NET_ADMIN)";
                case "1":
                  return "1: unprivileged bpf() off until reboot (sockmaps need capabilities"
                      + " anyway)";
                case "2":
                  return "2: unprivileged bpf() off (sockmaps need capabilities anyway)";
                default:
                  return value;
              }
            }));
  }

  private DoctorCheck jit() {
    String path = "/proc/sys/net/core/bpf_jit_enable";
    String value;
    try {
      value = read(path).strip();
    } catch (NoSuchFileException e) {
      return JIT.warn(
          "no " + path + ": the kernel has no BPF JIT, programs are interpreted (slower)",
          "use a kernel built with CONFIG_BPF_JIT=y");
    } catch (IOException e) {
      return JIT.info("could not read " + path + ": " + e);
    }
    switch (value) {
      case "0":
        return JIT.warn(
            "net.core.bpf_jit_enable = 0: programs are interpreted (slower)",
            "sysctl -w net.core.bpf_jit_enable=1");
      case "1":
        return JIT.info("net.core.bpf_jit_enable = 1: programs are compiled to machine code");
      case "2":
        return JIT.info("net.core.bpf_jit_enable = 2: compiled, with debug output to the log");
      default:
        return JIT.info("net.core.bpf_jit_enable = " + value);
    }
  }

  private DoctorCheck stats() {
    return STATS.info(
        sysctl(
            "/proc/sys/kernel/bpf_stats_enabled",
            value ->
                value.equals("0")
                    ? "kernel.bpf_stats_enabled = 0: bpftool shows no run_time_ns/run_cnt"
                        + " (sysctl -w kernel.bpf_stats_enabled=1 turns them on, at a small cost"
                        + " per run)"
                    : "kernel.bpf_stats_enabled = "
                        + value
                        + ": bpftool prog show reports run_time_ns and run_cnt"));
  }

  private static String sysctl(String path, java.util.function.UnaryOperator<String> explain) {
    try {
      return explain.apply(read(path).strip());
    } catch (NoSuchFileException e) {
      return "no " + path + " on this kernel";
    } catch (IOException e) {
      return "could not read " + path + ": " + e;
    }
  }

  private static String read(String path) throws IOException {
    return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
  }

  private static String kernelRelease() {
    return "Linux " + System.getProperty("os.version", "?");
  }

  private static String system() {
    return kernelRelease()
        + " "
        + System.getProperty("os.arch", "?")
        + ", Java "
        + System.getProperty("java.version", "?");
  }

  private static DoctorCheck skipped(Item item, Item prerequisite) {
    return item.skipped("not probed: needs " + prerequisite.id + ", which failed", "");
  }

  /** The fixed parts of a check; the methods add the outcome. */
  private static final class Item {
    final String id;
    final String title;
    final boolean required;
    final String needs;

    private Item(String id, String title, boolean required, String needs) {
      this.id = id;
      this.title = title;
      this.required = required;
      this.needs = needs;
    }

    static Item required(String id, String title, String needs) {
      return new Item(id, title, true, needs);
    }

    static Item optional(String id, String title, String needs) {
      return new Item(id, title, false, needs);
    }

    static Item info(String id, String title) {
      return new Item(id, title, false, "");
    }

    DoctorCheck ok(String found) {
      return check(Status.OK, found, "");
    }

    DoctorCheck info(String found) {
      return check(Status.INFO, found, "");
    }

    DoctorCheck warn(String found, String fix) {
      return check(Status.WARN, found, fix);
    }

    DoctorCheck missing(String found, String fix) {
      return check(Status.MISSING, found, fix);
    }

    DoctorCheck skipped(String found, String fix) {
      return check(Status.SKIPPED, found, fix);
    }

    private DoctorCheck check(Status status, String found, String fix) {
      return new DoctorCheck(id, title, status, required, found, needs, fix);
    }
  }
}
