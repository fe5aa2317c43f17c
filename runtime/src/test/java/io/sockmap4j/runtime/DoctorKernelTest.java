package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.DoctorCheck.Status;
import io.sockmap4j.runtime.internal.MemlockLimit;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The doctor run for real on this machine (Linux 6.18, root, JIT on): everything sockmap4j needs
 * works, and the values it reports match what the kernel reports elsewhere.
 */
@ExtendWith(KernelLeakCheck.class)
class DoctorKernelTest {

  private static DoctorReport examine() {
    return new Doctor(new KernelFeatures(TestNames.PREFIX)).run();
  }

  @KernelTest
  void everythingSockmap4jNeedsWorksHere() {
    DoctorReport report = examine();
    String text = report.toText();
    for (String id :
        List.of(
            "caps", "bpf", "memlock", "sockmap", "sockhash", "sk_skb", "skb_verdict", "sk_msg")) {
      assertEquals(Status.OK, report.check(id).status(), id + "\n" + text);
    }
    assertEquals(Status.OK, report.check("insert").status(), text);
    assertTrue(report.ready(), text);
    assertEquals(0, report.exitCode());
    assertEquals(
        List.of(
            "kernel",
            "caps",
            "bpf",
            "unpriv_bpf",
            "memlock",
            "sockmap",
            "sockhash",
            "sk_skb",
            "skb_verdict",
            "sk_msg",
            "insert",
            "link",
            "btf",
            "jit",
            "stats"),
        report.checks().stream().map(DoctorCheck::id).toList());
  }

  /** Linux 6.18 has sockmap links (6.10+) and takes BTF line info (5.0+). */
  @KernelTest
  void linkAndBtfAreProbedForReal() {
    DoctorReport report = examine();
    assertEquals(Status.OK, report.check("link").status(), report.check("link").found());
    assertTrue(report.check("link").found().contains("created a bpf_link (link id "));
    assertEquals(Status.OK, report.check("btf").status(), report.check("btf").found());
    assertTrue(report.check("btf").found().contains("line-info record"));
  }

  @KernelTest
  void capabilitiesAreThoseOfThisProcess() throws IOException {
    String capEff =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("CapEff:"))
            .map(l -> l.substring("CapEff:".length()).strip())
            .findFirst()
            .orElseThrow();
    DoctorCheck caps = examine().check("caps");
    assertTrue(caps.found().startsWith("CapEff " + capEff + ": CAP_BPF yes, CAP_NET_ADMIN yes"));
  }

  /** getrlimit agrees with /proc/self/limits and with {@code ulimit -l} in a child shell. */
  @KernelTest
  void memlockIsTheLimitTheKernelReports() throws IOException, InterruptedException {
    MemlockLimit limit = KernelFeatures.memlockLimit();
    String[] fields =
        Files.readAllLines(Path.of("/proc/self/limits")).stream()
            .filter(l -> l.startsWith("Max locked memory"))
            .findFirst()
            .orElseThrow()
            .substring("Max locked memory".length())
            .trim()
            .split("\\s+");
    assertEquals(fields[0], limitText(limit.soft()));
    assertEquals(fields[1], limitText(limit.hard()));

    Process shell = new ProcessBuilder("sh", "-c", "ulimit -l").redirectErrorStream(true).start();
    String ulimit = new String(shell.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertEquals(0, shell.waitFor());
    String kib = limit.soft() == MemlockLimit.INFINITY ? "unlimited" : "" + limit.soft() / 1024;
    assertEquals(kib, ulimit.strip());

    DoctorCheck memlock = examine().check("memlock");
    assertTrue(
        memlock.found().startsWith("soft limit " + limit.describeSoft() + "; does not matter"),
        memlock.found());
    assertEquals(limit, KernelFeatures.memlockLimit(), "the doctor restored the limit");
  }

  @KernelTest
  void sysctlsAreReportedAsRead() throws IOException {
    DoctorReport report = examine();
    String jit = Files.readString(Path.of("/proc/sys/net/core/bpf_jit_enable")).strip();
    assertTrue(
        report.check("jit").found().startsWith("net.core.bpf_jit_enable = " + jit + ":"),
        report.check("jit").found());
    String unprivileged =
        Files.readString(Path.of("/proc/sys/kernel/unprivileged_bpf_disabled")).strip();
    assertTrue(report.check("unpriv_bpf").found().startsWith(unprivileged + ":"));
    String stats = Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).strip();
    assertTrue(
        report.check("stats").found().startsWith("kernel.bpf_stats_enabled = " + stats + ":"));
    assertTrue(report.check("kernel").found().contains(System.getProperty("os.version")));
  }

  private static String limitText(long value) {
    return value == MemlockLimit.INFINITY ? "unlimited" : Long.toUnsignedString(value);
  }
}
