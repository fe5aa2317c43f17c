package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
}
