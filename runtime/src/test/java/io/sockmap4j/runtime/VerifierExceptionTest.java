package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The message built from logs captured on kernel 6.18, without loading anything. */
class VerifierExceptionTest {

  private static ProgramSpec program(LineEntry... lines) {
    return new ProgramSpec(
        "echo", 14, 0, 5, 0, "Echo.java", new byte[8 * 3], List.of(), List.of(lines));
  }

  private static final String LOG_WITH_LINES =
      "0: R1=ctx() R10=fp0\n"
          + "; int x = 7; @ Echo.java:41\n"
          + "0: (b7) r2 = 7                        ; R2=7\n"
          + "; return p[x]; @ Echo.java:42\n"
          + "1: (61) r0 = *(u32 *)(r2 +0)\n"
          + "R2 invalid mem access 'scalar'\n"
          + "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0"
          + " mark_read 0\n";

  @Test
  void theKernelsLineInfoComesFirst() {
    // The line table disagrees on purpose: the kernel's own log wins.
    VerifierException e =
        VerifierException.of(program(new LineEntry(0, 99, 1, "stale")), 13, LOG_WITH_LINES);

    assertEquals(
        "Echo.java:42: return p[x];: R2 invalid mem access 'scalar'\n"
            + "A memory access goes through a register the verifier does not know to be a valid"
            + " pointer: a map lookup used without a null check, or a number used as an address."
            + " If the program is unchanged sockmap4j output, please report it with this message.\n"
            + "Program echo (Echo.java), instruction 1. Last lines of the verifier log:\n"
            + "    0: R1=ctx() R10=fp0\n"
            + "    ; int x = 7; @ Echo.java:41\n"
            + "    0: (b7) r2 = 7                        ; R2=7\n"
            + "    ; return p[x]; @ Echo.java:42\n"
            + "    1: (61) r0 = *(u32 *)(r2 +0)\n"
            + "    R2 invalid mem access 'scalar'\n"
            + "The full log is VerifierException#verifierLog(). (errno 13 EACCES: Permission"
            + " denied)",
        e.getMessage());
    assertEquals(OptionalInt.of(42), e.line());
    assertEquals("return p[x];", e.sourceText());
    assertEquals(OptionalInt.of(1), e.instruction());
    assertEquals(LOG_WITH_LINES, e.verifierLog());
  }

  @Test
  void withoutLineInfoInTheLogTheLineTableAnswers() {
    String log = "0: (b7) r0 = 1\n1: (bf) r0 = r2\nR2 !read_ok\nprocessed 2 insns\n";
    VerifierException e =
        VerifierException.of(
            program(new LineEntry(0, 20, 3, "int v = 1;"), new LineEntry(1, 21, 3, "v = w;")),
            13,
            log);

    assertTrue(e.getMessage().startsWith("Echo.java:21: v = w;: R2 !read_ok\n"), e.getMessage());
  }

  @Test
  void aVersionOneObjectHasLinesWithoutText() {
    VerifierException e =
        VerifierException.of(program(new LineEntry(0, 7, 5)), 13, "0: (95) exit\nR0 !read_ok\n");

    assertTrue(e.getMessage().startsWith("Echo.java:7: R0 !read_ok\n"), e.getMessage());
    assertEquals("", e.sourceText());
  }

  @Test
  void withoutAnyLineTheProgramIsNamed() {
    VerifierException e = VerifierException.of(program(), 13, "0: (95) exit\nR0 !read_ok\n");

    assertTrue(
        e.getMessage()
            .startsWith(
                "echo (Echo.java): the kernel verifier rejected the program (instruction 0):"
                    + " R0 !read_ok\n"),
        e.getMessage());
    assertEquals(OptionalInt.empty(), e.line());
  }
}
