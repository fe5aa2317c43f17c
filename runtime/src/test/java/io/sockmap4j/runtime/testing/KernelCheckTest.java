package io.sockmap4j.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class KernelCheckTest {

  @Test
  void refusalFailsWhenKernelTestsAreRequired() {
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> KernelCheck.enforce("no CAP_BPF", true));
    assertEquals(
        "kernel tests are required (-Dsockmap4j.requireKernel=true) but no CAP_BPF",
        e.getMessage());
  }

  @Test
  void refusalSkipsOtherwise() {
    TestAbortedException e =
        assertThrows(TestAbortedException.class, () -> KernelCheck.enforce("no CAP_BPF", false));
    assertEquals("kernel test skipped: no CAP_BPF", e.getMessage());
  }

  @Test
  void acceptingKernelLetsTestsRun() {
    KernelCheck.enforce(null, true);
  }

  @Test
  void thisKernelAcceptsTheProbeWhenTestsAreRequired() {
    if (Boolean.getBoolean(KernelCheck.REQUIRE_PROPERTY)) {
      assertNull(KernelCheck.refusal());
    }
  }
}
