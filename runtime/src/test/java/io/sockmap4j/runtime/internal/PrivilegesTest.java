package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capability-aware permission advice: name only what this process lacks. */
class PrivilegesTest {

  private static final KernelVersion NEW = KernelVersion.parse("6.18.0");
  private static final KernelVersion OLD = KernelVersion.parse("5.4.0");
  private static final long NET_ADMIN = 1L << Privileges.CAP_NET_ADMIN;
  private static final long BPF = 1L << Privileges.CAP_BPF;
  private static final long SYS_ADMIN = 1L << Privileges.CAP_SYS_ADMIN;

  @TempDir Path dir;

  @Test
  void readsCapEffFromProcStatus() throws IOException {
    Path status = dir.resolve("status");
    Files.writeString(
        status, "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n");
    assertEquals(0x1ffffffffffL, Privileges.readEffective(status));
    assertEquals(-1, Privileges.readEffective(dir.resolve("missing")));
    long own = Privileges.readEffective(Path.of("/proc/self/status"));
    assertEquals(own, Privileges.current().effective(), "the running process reads the same way");
  }

  @Test
  void namesOnlyTheMissingCapabilities() {
    assertEquals(List.of("CAP_BPF"), new Privileges(NET_ADMIN, -1).missingForSockmaps(NEW));
    assertEquals(List.of("CAP_NET_ADMIN"), new Privileges(BPF, -1).missingForSockmaps(NEW));
    assertEquals(
        List.of("CAP_NET_ADMIN"),
        new Privileges(SYS_ADMIN, -1).missingForSockmaps(NEW),
        "CAP_SYS_ADMIN implies CAP_BPF");
    assertEquals(List.of(), new Privileges(BPF | NET_ADMIN, -1).missingForSockmaps(NEW));
    assertEquals(
        List.of("CAP_SYS_ADMIN (kernels before 5.8 have no CAP_BPF)"),
        new Privileges(BPF | NET_ADMIN, -1).missingForSockmaps(OLD));
    assertEquals(List.of(), new Privileges(-1, -1).missingForSockmaps(NEW), "unknown: no claim");
  }

  @Test
  void permissionAdviceIsNarrowedToThisProcess() {
    String generic = FailureAdvice.of(BpfCommand.PROG_LOAD, Errno.EPERM, NEW);
    String lacking = FailureAdvice.refine(generic, NEW, new Privileges(NET_ADMIN, -1));
    assertTrue(lacking.startsWith("the process lacks CAP_BPF (run as root, or grant"), lacking);
    assertFalse(lacking.contains("CAP_NET_ADMIN"), lacking);

    String having = FailureAdvice.refine(generic, NEW, new Privileges(BPF | NET_ADMIN, -1));
    assertTrue(having.startsWith("the process has CAP_BPF and CAP_NET_ADMIN, so something else"));
    assertTrue(having.contains("user namespace"), having);

    assertEquals(generic, FailureAdvice.refine(generic, NEW, new Privileges(-1, -2)));
  }

  @Test
  void memlockAdviceShowsTheCurrentLimit() {
    String advice = FailureAdvice.of(BpfCommand.MAP_CREATE, Errno.EPERM, OLD);
    String refined =
        FailureAdvice.refine(advice, OLD, new Privileges(SYS_ADMIN | NET_ADMIN, 64 * 1024));
    assertTrue(refined.startsWith("the process has CAP_BPF and CAP_NET_ADMIN"), refined);
    assertTrue(refined.contains("the locked-memory limit"), refined);
    assertTrue(refined.endsWith("RLIMIT_MEMLOCK is now 64 KiB"), refined);
    String unlimited =
        FailureAdvice.refine(
            FailureAdvice.of(BpfCommand.MAP_CREATE, Errno.ENOMEM, OLD),
            OLD,
            new Privileges(-1, Privileges.UNLIMITED));
    assertTrue(unlimited.endsWith("RLIMIT_MEMLOCK is now unlimited"), unlimited);
  }

  @Test
  void socketStatesReadAsPhrases() {
    assertEquals(
        "a TCP/IPv6 socket in state CLOSE_WAIT",
        new SocketState(10, 1, 6, 8, false, true, true).describe());
    assertEquals(
        "a UDP/IPv4 socket, bound, connected",
        new SocketState(2, 2, 17, -1, false, true, true).describe());
    assertEquals(
        "a UNIX seqpacket socket, connected",
        new SocketState(1, 5, 0, -1, false, true, true).describe());
  }
}
