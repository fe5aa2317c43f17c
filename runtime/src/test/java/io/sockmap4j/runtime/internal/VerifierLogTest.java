package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VerifierLogTest {

  @Test
  void findsTheErrorAndItsInstructionBeforeTheSummary() {
    String text =
        String.join(
            "\n",
            "func#0 @0",
            "0: R1=ctx() R10=fp0",
            "0: (18) r2 = 0xffff888100a3c000     ; R2_w=map_ptr(ks=4,vs=8)",
            "2: (b7) r3 = 0                       ; R3_w=0",
            "3: (85) call bpf_sk_redirect_map#52",
            "R4 !read_ok",
            "processed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0",
            "",
            "");
    VerifierLog log = new VerifierLog(text);

    assertEquals("R4 !read_ok", log.errorLine());
    assertEquals(OptionalInt.of(3), log.failingInsn());
    assertEquals(
        List.of(
            "2: (b7) r3 = 0                       ; R3_w=0",
            "3: (85) call bpf_sk_redirect_map#52",
            "R4 !read_ok"),
        log.lastLines(3));
    assertEquals(text, log.text());
  }

  @Test
  void logWithoutSummaryEndsAtItsLastLine() {
    VerifierLog log = new VerifierLog("0: (95) exit\nR0 !read_ok\n");
    assertEquals("R0 !read_ok", log.errorLine());
    assertEquals(OptionalInt.of(0), log.failingInsn());
  }

  @Test
  void emptyLogHasNoError() {
    VerifierLog log = new VerifierLog("");
    assertTrue(log.isEmpty());
    assertEquals("", log.errorLine());
    assertEquals(OptionalInt.empty(), log.failingInsn());
  }

  /** A log captured from kernel 6.18 for a program loaded with BTF line info. */
  private static final String WITH_LINE_INFO =
      String.join(
          "\n",
          "0: R1=ctx() R10=fp0",
          "; int x = 7; @ Echo.java:41",
          "0: (b7) r2 = 7                        ; R2=7",
          "; return p[x]; @ Echo.java:42",
          "1: (61) r0 = *(u32 *)(r2 +0)",
          "R2 invalid mem access 'scalar'",
          "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0"
              + " mark_read 0",
          "");

  @Test
  void theKernelsSourceLineBeforeTheFailingInstruction() {
    VerifierLog log = new VerifierLog(WITH_LINE_INFO);

    assertEquals(OptionalInt.of(1), log.failingInsn());
    assertEquals(
        Optional.of(new VerifierLog.SourceLine("return p[x];", "Echo.java", 42)),
        log.failingSource());
  }

  @Test
  void sourceTextMayItselfContainAnAt() {
    VerifierLog log =
        new VerifierLog("; String s = a @ b; @ A.java:3\n0: (95) exit\nR0 !read_ok\n");
    assertEquals(
        Optional.of(new VerifierLog.SourceLine("String s = a @ b;", "A.java", 3)),
        log.failingSource());
  }

  @Test
  void withoutLineInfoThereIsNoSource() {
    assertEquals(Optional.empty(), new VerifierLog("0: (95) exit\nR0 !read_ok\n").failingSource());
  }

  @Test
  void controlFlowErrorsNameTheirInstruction() {
    assertEquals(
        OptionalInt.of(2),
        new VerifierLog(
                "unreachable insn 2\nprocessed 0 insns (limit 1000000) max_states_per_insn 0\n")
            .failingInsn());
    assertEquals(OptionalInt.of(3), new VerifierLog("back-edge from insn 3 to 1\n").failingInsn());
    assertEquals(
        OptionalInt.of(0), new VerifierLog("jump out of range from insn 0 to 9\n").failingInsn());
    assertEquals(Optional.empty(), new VerifierLog("back-edge from insn 3 to 1\n").failingSource());
  }
}
