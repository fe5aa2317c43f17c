package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.ObjectSpec.Relocation;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.RawInsns;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.extension.ExtendWith;

/** Programs the real verifier rejects, and loads that must leave nothing behind. */
@ExtendWith(KernelLeakCheck.class)
class VerifierTest {

  private static final String SOCKS = TestNames.of("vsocks");
  private static final String BAD = TestNames.of("bad");

  private static ProgramSpec program(RawInsns insns, List<LineEntry> lines) {
    return new ProgramSpec(
        BAD,
        TestSpecs.SK_SKB,
        0,
        TestSpecs.STREAM_VERDICT,
        0,
        "Rejected.java",
        insns.bytes(),
        List.of(),
        lines);
  }

  private static ObjectSpec spec(ProgramSpec... programs) {
    return new ObjectSpec("GPL", List.of(TestSpecs.sockmap(SOCKS, 1)), List.of(programs));
  }

  @KernelTest
  void exitWithoutReturnValueIsRejectedWithTheLog() {
    ProgramSpec bad = program(new RawInsns().exit(), List.of(new LineEntry(0, 7, 5)));

    VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec(bad)));

    assertEquals(BAD, e.programName());
    assertEquals("Rejected.java", e.sourceFile());
    assertEquals("BPF_PROG_LOAD " + BAD, e.operation());
    assertEquals("EACCES", e.errnoName());
    assertTrue(e.verifierLog().contains("R0 !read_ok"), e.verifierLog());
    assertTrue(e.verifierLog().contains("processed"), "the full log, summary included");
    assertTrue(e.verifierLog().contains("@ Rejected.java:7"), "BTF line info: " + e.verifierLog());
    String message = e.getMessage();
    assertTrue(message.startsWith("Rejected.java:7: R0 !read_ok\n"), message);
    assertTrue(message.contains("can end without a return value"), message);
    assertTrue(message.contains("Program " + BAD + " (Rejected.java), instruction 0."), message);
    assertTrue(message.contains("0: (95) exit"), "quotes the lines before the error: " + message);
    assertTrue(message.endsWith("(errno 13 EACCES: Permission denied)"), message);
    assertEquals(OptionalInt.of(7), e.line());
    assertEquals(OptionalInt.of(0), e.instruction());
  }

  @KernelTest
  void uninitialisedRegisterIsReportedAtItsSourceLine() {
    RawInsns insns = new RawInsns().movImm(0, 1).movReg(0, 2).exit();
    ProgramSpec bad =
        program(
            insns,
            List.of(
                new LineEntry(0, 20, 3, "int verdict = PASS;"),
                new LineEntry(1, 21, 3, "verdict = unset;"),
                new LineEntry(2, 22, 3, "return verdict;")));

    VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec(bad)));

    assertTrue(
        e.getMessage().startsWith("Rejected.java:21: verdict = unset;: R2 !read_ok\n"),
        e.getMessage());
    assertTrue(e.verifierLog().contains("; verdict = unset; @ Rejected.java:21"), e.verifierLog());
    assertEquals("verdict = unset;", e.sourceText());
    assertEquals(OptionalInt.of(21), e.line());
  }

  @KernelTest
  void withoutLineDataTheMessageNamesTheInstruction() {
    ProgramSpec bad = program(new RawInsns().movReg(0, 3).exit(), List.of());

    VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec(bad)));

    assertTrue(
        e.getMessage().contains("rejected the program (instruction 0): R3 !read_ok"),
        e.getMessage());
  }

  @KernelTest
  void aRejectedSecondProgramClosesTheFirstAndTheMaps() throws Exception {
    ProgramSpec good = TestSpecs.lengthParser(TestNames.of("good"), 0);
    ProgramSpec bad = program(new RawInsns().exit(), List.of());
    ObjectSpec spec =
        new ObjectSpec(
            "GPL",
            List.of(TestSpecs.sockmap(SOCKS, 1), TestSpecs.sockmap(TestNames.of("spare"), 1)),
            List.of(good, bad));

    assertThrows(VerifierException.class, () -> BpfObject.load(spec));

    assertNothingLeft();
  }

  @KernelTest
  void aCorruptRelocationClosesTheMaps() throws Exception {
    RawInsns insns = new RawInsns().movImm(0, 1).movImm(0, 1).exit();
    ProgramSpec corrupt =
        new ProgramSpec(
            BAD,
            TestSpecs.SK_SKB,
            0,
            TestSpecs.STREAM_VERDICT,
            0,
            "Rejected.java",
            insns.bytes(),
            List.of(new Relocation(0, 0)),
            List.of());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BpfObject.load(spec(corrupt)));

    assertTrue(e.getMessage().contains("relocation at slot 0 is not a map load"), e.getMessage());
    assertNothingLeft();
  }

  @KernelTest
  void aProgramTypeTheKernelDoesNotKnowIsNotAVerifierError() throws Exception {
    ProgramSpec unknownType =
        new ProgramSpec(
            BAD,
            4242,
            0,
            TestSpecs.STREAM_VERDICT,
            0,
            "Rejected.java",
            new RawInsns().movImm(0, 1).exit().bytes(),
            List.of(),
            List.of());

    BpfException e = assertThrows(BpfException.class, () -> BpfObject.load(spec(unknownType)));

    assertFalse(e instanceof VerifierException);
    assertEquals("EINVAL", e.errnoName());
    assertTrue(
        e.getMessage().contains("CONFIG_BPF_STREAM_PARSER / CONFIG_NET_SOCK_MSG"), e.getMessage());
    assertNothingLeft();
  }

  @KernelTest
  void attachingToTheWrongAttachTypeClosesEverything() throws Exception {
    // An SK_MSG program attached as an SK_SKB stream verdict: loads, then PROG_ATTACH refuses.
    ProgramSpec mismatched = TestSpecs.pass(BAD, TestSpecs.SK_MSG, TestSpecs.STREAM_VERDICT, 0);

    BpfException e = assertThrows(BpfException.class, () -> BpfObject.load(spec(mismatched)));

    assertTrue(e.operation().startsWith("BPF_PROG_ATTACH " + BAD), e.operation());
    assertNothingLeft();
  }

  private static void assertNothingLeft() throws InterruptedException {
    long deadline = System.nanoTime() + KernelLeakCheck.GRACE_MILLIS * 1_000_000;
    List<String> left = KernelLeakCheck.leftovers();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      left = KernelLeakCheck.leftovers();
    }
    assertEquals(List.of(), left, "a failed load must close everything it created");
  }
}
