package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.ObjectSpec.Relocation;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.RawInsns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;

/** BTF line and function info reach the real kernel, its verifier log, and bpftool. */
@ExtendWith(KernelLeakCheck.class)
class LineInfoTest {

  private static final String SOCKS = TestNames.of("lsocks");
  private static final String ECHO = TestNames.of("echo");

  private static ProgramSpec program(
      RawInsns insns, List<Relocation> relocations, LineEntry... lines) {
    return new ProgramSpec(
        ECHO,
        TestSpecs.SK_SKB,
        0,
        TestSpecs.STREAM_VERDICT,
        0,
        "Echo.java",
        insns.bytes(),
        relocations,
        List.of(lines));
  }

  private static ObjectSpec spec(ProgramSpec program) {
    return new ObjectSpec("GPL", List.of(TestSpecs.sockmap(SOCKS, 1)), List.of(program));
  }

  /**
   * {@code return redirect(sockets, 0)} with a line entry inside its ld_imm64, which is dropped.
   */
  private static ObjectSpec echo() {
    RawInsns insns =
        new RawInsns().loadMap(2).movImm(3, 0).movImm(4, 0).call(TestSpecs.SK_REDIRECT_MAP).exit();
    return spec(
        program(
            insns,
            List.of(new Relocation(0, 0)),
            new LineEntry(0, 41, 3, "static Verdict echo(SkBuff skb) {"),
            new LineEntry(1, 41, 20, "static Verdict echo(SkBuff skb) {"),
            new LineEntry(2, 42, 5, "return sockets.redirect(skb, 0);"),
            new LineEntry(5, 43, 3, "}")));
  }

  @KernelTest
  void aValidProgramCarriesItsJavaLinesIntoTheKernel() throws Exception {
    try (BpfObject object = BpfObject.load(echo())) {
      assertTrue(object.hasLineInfo(ECHO), "BTF_LOAD and line info must work on this kernel");
      int id = object.programId(ECHO);

      String show = bpftool("prog", "show", "id", String.valueOf(id));
      if (show != null) {
        assertTrue(show.matches("(?s).*btf_id \\d+.*"), show);
      }
      String dump = bpftool("prog", "dump", "xlated", "id", String.valueOf(id), "linum");
      if (dump != null) {
        assertTrue(dump.contains("int " + ECHO + "(struct __sk_buff * ctx):"), dump);
        assertTrue(
            dump.contains(
                "; return sockets.redirect(skb, 0); [file:Echo.java line_num:42 line_col:5]"),
            dump);
        assertTrue(dump.contains("; } [file:Echo.java line_num:43 line_col:3]"), dump);
        assertTrue(
            dump.contains("; static Verdict echo(SkBuff skb) { [file:Echo.java line_num:41"), dump);
      }
    }
  }

  @KernelTest
  void aRejectionNamesTheJavaLineTheKernelPrinted() {
    RawInsns insns = new RawInsns().movImm(2, 7).loadWord(0, 2, 0).exit();
    ProgramSpec bad =
        program(
            insns,
            List.of(),
            new LineEntry(0, 41, 5, "int x = 7;"),
            new LineEntry(1, 42, 5, "return p[x];"),
            new LineEntry(2, 43, 3, "}"));

    VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec(bad)));

    assertTrue(e.verifierLog().contains("; return p[x]; @ Echo.java:42"), e.verifierLog());
    String message = e.getMessage();
    assertTrue(
        message.startsWith("Echo.java:42: return p[x];: R2 invalid mem access 'scalar'\n"),
        message);
    assertTrue(message.contains("does not know to be a valid pointer"), message);
    assertTrue(message.contains("1: (61) r0 = *(u32 *)(r2 +0)"), message);
    assertEquals(OptionalInt.of(42), e.line());
    assertEquals("return p[x];", e.sourceText());
    assertEquals(OptionalInt.of(1), e.instruction());
    assertEquals("Echo.java", e.sourceFile());
  }

  @KernelTest
  void aContextFieldTheProgramTypeCannotReadIsExplained() {
    ProgramSpec bad =
        program(
            new RawInsns().loadWord(0, 1, 600).exit(),
            List.of(),
            new LineEntry(0, 12, 9, "int x = skb.mark();"));

    VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec(bad)));

    assertTrue(
        e.getMessage()
            .startsWith(
                "Echo.java:12: int x = skb.mark();: invalid bpf_context access off=600 size=4\n"
                    + "The program reads or writes context field offset 600"),
        e.getMessage());
  }

  @KernelTest
  void controlFlowErrorsAreMappedThroughTheLineTable() {
    // The kernel refuses dead code before walking any instruction, so its log prints no source.
    ProgramSpec bad =
        program(
            new RawInsns().movImm(0, 1).exit().movImm(0, 2).exit(),
            List.of(),
            new LineEntry(0, 5, 5, "return PASS;"),
            new LineEntry(2, 6, 5, "return DROP;"));

    VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec(bad)));

    assertTrue(
        e.getMessage().startsWith("Echo.java:6: return DROP;: unreachable insn 2\n"),
        e.getMessage());
    assertTrue(e.getMessage().contains("the verifier refuses dead code"), e.getMessage());
  }

  /**
   * The output of {@code bpftool args}, or null (with the reason printed) if bpftool is missing.
   */
  private static String bpftool(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "bpftool";
    System.arraycopy(args, 0, command, 1, args.length);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      System.out.println("bpftool is not installed, skipping its checks: " + e.getMessage());
      return null;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bpftool hung");
    assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    return output;
  }
}
