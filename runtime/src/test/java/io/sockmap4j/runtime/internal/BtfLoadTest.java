package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.RawInsns;
import java.util.List;

/** {@code BPF_BTF_LOAD} against the real kernel. */
class BtfLoadTest {

  private static final byte[] INSNS = new RawInsns().movImm(0, 1).exit().bytes();

  @KernelTest
  void theKernelAcceptsAProgramsBlob() {
    ProgramBtf debug =
        ProgramBtf.of(
            "__sk_buff",
            "Echo.java",
            INSNS,
            List.of(new ProgramBtf.Function("echo", 0)),
            List.of(new ProgramBtf.Line(0, 3, 5, "return 1;")));

    int fd = Bpf.btfLoad("test blob", debug.btf());

    assertTrue(fd >= 0);
    LibC.INSTANCE.close(fd);
  }

  @KernelTest
  void aRefusedBlobQuotesTheKernelsBtfLog() {
    Btf btf = new Btf();
    // A FUNC whose prototype id does not exist.
    btf.addFunc("broken", 42, Btf.Linkage.GLOBAL);

    BpfException e =
        assertThrows(BpfException.class, () -> Bpf.btfLoad("broken blob", btf.toBytes()));

    assertEquals("BPF_BTF_LOAD broken blob", e.operation());
    assertEquals("EINVAL", e.errnoName());
    assertTrue(e.getMessage().contains("the kernel's BTF log ends: "), e.getMessage());
  }
}
