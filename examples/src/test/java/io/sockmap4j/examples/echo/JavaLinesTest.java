package io.sockmap4j.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.VerifierException;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Java lines of a program really compiled by the processor reach the kernel: its verifier log,
 * the exception of a rejected load, and {@code bpftool prog dump xlated linum}.
 */
class JavaLinesTest {

  private static final Path SOURCE = Path.of("src/main/java/io/sockmap4j/examples/echo/Echo.java");
  private static final int SK_MSG = 16;

  private static ObjectSpec echoSpec() throws IOException {
    try (InputStream in = Echo.class.getResourceAsStream("Echo.sockmap4j")) {
      return ObjectSpec.read(in);
    }
  }

  private static List<String> sourceLines() throws IOException {
    return Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
  }

  @KernelTest
  void aRejectedCompiledProgramIsReportedAtItsJavaLine() throws Exception {
    // The SK_SKB verdict, loaded as an SK_MSG program: the verifier refuses the first thing that
    // differs between the two program types, somewhere in Echo.java.
    ObjectSpec spec = echoSpec();
    ProgramSpec verdict = spec.programs().get(1);
    ProgramSpec asSkMsg =
        new ProgramSpec(
            verdict.name(),
            SK_MSG,
            0,
            0,
            ProgramSpec.NOT_ATTACHED,
            verdict.sourceFile(),
            verdict.insns(),
            verdict.relocations(),
            verdict.lines());
    ObjectSpec wrongType = new ObjectSpec(spec.license(), spec.maps(), List.of(asSkMsg));

    VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(wrongType));

    int line = e.line().orElseThrow(() -> new AssertionError("no line in " + e.getMessage()));
    String text = sourceLines().get(line - 1).strip();
    assertEquals(text, e.sourceText());
    assertTrue(e.getMessage().startsWith("Echo.java:" + line + ": " + text + ": "), e.getMessage());
    assertTrue(
        e.verifierLog().contains("; " + text + " @ Echo.java:" + line),
        "the kernel printed the line from BTF line info: " + e.verifierLog());
  }

  @KernelTest
  void bpftoolShowsTheJavaLinesOfALoadedProgram() throws Exception {
    int line = sourceLines().indexOf("    return sockets.redirect(skb, skb.socketCookie());") + 1;
    assertTrue(line > 0, "Echo.java changed: update this test");
    KernelCleanup.Ids ids;
    String dump;
    String show;
    try (BpfObject object = BpfObject.load(echoSpec())) {
      ids = KernelCleanup.Ids.of(object);
      assertTrue(object.hasLineInfo("echo"));
      assertTrue(object.hasLineInfo("parse"));
      String id = String.valueOf(object.programId("echo"));
      show = bpftool("prog", "show", "id", id);
      dump = bpftool("prog", "dump", "xlated", "id", id, "linum");
    }
    KernelCleanup.assertFreed(ids);
    if (dump == null) {
      return;
    }
    assertTrue(show.matches("(?s).*btf_id \\d+.*"), show);
    assertTrue(dump.contains("int echo(struct __sk_buff * ctx):"), dump);
    assertTrue(
        dump.contains(
            "; return sockets.redirect(skb, skb.socketCookie()); [file:Echo.java line_num:"
                + line
                + " "),
        dump);
  }

  @Test
  void theListingLiesBesideTheGeneratedLoader() throws IOException {
    Path besideLoader = Path.of("target/generated-sources/annotations/io/sockmap4j/examples/echo");
    assertTrue(Files.exists(besideLoader.resolve("EchoLoader.java")), "run through Maven");
    String listing = Files.readString(besideLoader.resolve("Echo.sockmap4j.txt"));
    try (InputStream in = Echo.class.getResourceAsStream("Echo.sockmap4j.txt")) {
      assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), listing);
    }
    assertTrue(listing.contains("; return sockets.redirect(skb, skb.socketCookie());"), listing);
  }

  /** The output of {@code bpftool args}, or null (with the reason printed) without bpftool. */
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
