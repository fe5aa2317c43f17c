package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.BpfException;
import org.junit.jupiter.api.Test;

class FailureAdviceTest {

  private static final KernelVersion OLD = KernelVersion.parse("5.10.0-21-amd64");
  private static final KernelVersion NEW = KernelVersion.parse("6.18.44-fc-v657");

  @Test
  void permissionFailuresNameTheCapabilities() {
    for (BpfCommand command : new BpfCommand[] {BpfCommand.MAP_CREATE, BpfCommand.PROG_LOAD}) {
      for (int errno : new int[] {Errno.EPERM, Errno.EACCES}) {
        String advice = FailureAdvice.of(command, errno, NEW);
        assertTrue(advice.contains("needs CAP_BPF and CAP_NET_ADMIN"), advice);
        assertFalse(advice.contains("RLIMIT_MEMLOCK"), advice);
      }
    }
  }

  @Test
  void mapCreateOnOldKernelsMentionsMemlock() {
    assertTrue(
        FailureAdvice.of(BpfCommand.MAP_CREATE, Errno.EPERM, OLD).contains("RLIMIT_MEMLOCK"));
    assertTrue(
        FailureAdvice.of(BpfCommand.MAP_CREATE, Errno.ENOMEM, OLD).contains("RLIMIT_MEMLOCK"));
    assertFalse(
        FailureAdvice.of(BpfCommand.MAP_CREATE, Errno.ENOMEM, NEW).contains("RLIMIT_MEMLOCK"));
  }

  @Test
  void unknownProgramTypeNamesTheKernelConfig() {
    String advice = FailureAdvice.of(BpfCommand.PROG_LOAD, Errno.EINVAL, NEW);
    assertTrue(advice.contains("CONFIG_BPF_STREAM_PARSER / CONFIG_NET_SOCK_MSG"), advice);
    assertTrue(advice.contains("kernel too old"), advice);
  }

  @Test
  void testRunsOfUnsupportedTypesNameTheTypesThatWork() {
    for (int errno : new int[] {Errno.ENOTSUPP, Errno.EINVAL}) {
      String advice = FailureAdvice.of(BpfCommand.PROG_TEST_RUN, errno, NEW);
      assertTrue(advice.contains("SCHED_CLS or SOCKET_FILTER"), advice);
    }
    assertTrue(FailureAdvice.of(BpfCommand.PROG_TEST_RUN, Errno.EINVAL, NEW).contains("14 bytes"));
  }

  @Test
  void missingSyscallSaysSo() {
    assertTrue(FailureAdvice.of(BpfCommand.MAP_CREATE, Errno.ENOSYS, NEW).contains("bpf()"));
  }

  @Test
  void lookupMissIsNotAdvised() {
    assertNull(FailureAdvice.of(BpfCommand.MAP_LOOKUP_ELEM, Errno.ENOENT, NEW));
  }

  @Test
  void exceptionKeepsTheRawFacts() {
    BpfException e = Bpf.failure(BpfCommand.MAP_CREATE, "sockets", Errno.EPERM);
    assertEquals("BPF_MAP_CREATE sockets", e.operation());
    assertEquals(1, e.errno());
    assertEquals("EPERM", e.errnoName());
    assertTrue(e.getMessage().startsWith("BPF_MAP_CREATE sockets failed: "), e.getMessage());
    assertTrue(e.getMessage().contains("CAP_BPF"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(errno 1 EPERM: Operation not permitted)"), e.getMessage());
  }

  @Test
  void parsesKernelReleases() {
    assertEquals(new KernelVersion(6, 18), NEW);
    assertTrue(OLD.isBefore(5, 11));
    assertFalse(KernelVersion.parse("5.11.0").isBefore(5, 11));
  }

  @Test
  void linkCreateNamesTheKernelVersionAndTheOccupiedSlot() {
    for (int errno : new int[] {Errno.EINVAL, Errno.EOPNOTSUPP}) {
      String advice = FailureAdvice.of(BpfCommand.LINK_CREATE, errno, NEW);
      assertTrue(advice.contains("need Linux 6.10+"), advice);
      assertTrue(advice.contains("AttachMode.LEGACY"), advice);
    }
    String busy = FailureAdvice.of(BpfCommand.LINK_CREATE, Errno.EBUSY, NEW);
    assertTrue(busy.contains("already has a program"), busy);
  }

  @Test
  void pinFailuresNameTheExistingFileAndBpffs() {
    assertTrue(
        FailureAdvice.of(BpfCommand.OBJ_PIN, Errno.EEXIST, NEW).contains("never overwritten"));
    assertTrue(FailureAdvice.of(BpfCommand.OBJ_PIN, Errno.EPERM, NEW).contains("bpffs mount"));
    assertTrue(
        FailureAdvice.of(BpfCommand.OBJ_GET, Errno.ENOENT, NEW).contains("nothing is pinned"));
  }
}
