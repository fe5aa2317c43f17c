package io.sockmap4j.processor.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Every disagreement {@link DifferentialTest} has found, as a fixed case that runs on every build:
 * each is the shrunk program from the failure report, run in the JVM and in the kernel on the edge
 * inputs and on the inputs of the original report.
 */
class SemanticsRegressionTest {

  /** The inputs of the reports, beside {@link Inputs#EDGES}. */
  private static final List<Inputs> REPORTED =
      List.of(new Inputs(14482431262432L, -1492801L, -348, -7));

  /**
   * sockmap4j.Internal "all expression registers are pinned": each conditional kept its result
   * register pinned while its condition and arms were compiled, so two nested conditionals inside a
   * comparison left no register for the comparison's operands.
   */
  @KernelTest
  void nestedConditionalsLeaveRegistersForTheirOperands() {
    assertAgree(
        "NestedConditionals",
        Case.expression(
            "nested conditionals in a comparison",
            JavaType.BOOLEAN,
            "((c < ((c < a) ? c : c)) && true)"),
        Case.expression(
            "three nested conditionals",
            JavaType.LONG,
            "(a < (b < (c < d ? a : b) ? c : d) ? (b > a ? a + b : a - b) : (c == d ? b : a))"),
        Case.expression(
            "a comparison of conditionals as a condition",
            JavaType.INT,
            "((c > 0 ? a : b) < (d > 0 ? b : a) ? (c < d ? c : d) : (a == b ? 1 : 2))"));
  }

  /**
   * A conditional of a char and an int constant that fits is a char (JLS 15.25), of a byte and a
   * short a short; the compiler typed both int, so a {@code var} local of one skipped the narrowing
   * of later compound assignments and increments.
   */
  @KernelTest
  void conditionalsAreTypedAsJavaTypesThem() {
    assertAgree(
        "ConditionalTypes",
        body("var of char ? int-constant, then +=", "var v0 = (true ? 0 : ((char) a)); v0 += a;"),
        body("var of byte ? short, then *=", "var v = c > 0 ? (byte) c : (short) d; v *= 1000;"),
        body("var of int-constant ? byte, then ++", "var v = c > d ? 127 : (byte) d; v++;"),
        body(
            "var of a constant conditional of short and int-constant",
            "var v = false ? (short) 1 : 40000 - 10000; v += c;"));
  }

  /**
   * {@code r = new R(..., r.x(), ...)} stored each component into {@code r} as soon as it was
   * computed, so later arguments read the new value's components instead of the old ones.
   */
  @KernelTest
  void recordArgumentsReadTheRecordBeforeItChanges() {
    assertAgree(
        "RecordReassignment",
        new Case(
            "reported: r0 = new R(..., (short) r0.x(), ...)",
            JavaType.LONG,
            r ->
                "    R r0 = new R((KT ? 0 : ((byte) c)), ((short) c), ((char) c), c, a, KT);\n"
                    + "    if (false) {\n"
                    + "      short p2 = (KT ? 0 : ((short) a));\n"
                    + "      b += a;\n"
                    + "    } else {\n"
                    + "      short q2 = ((short) c);\n"
                    + "      r0 = new R((KT ? ((byte) a) : ((byte) c)), ((short) r0.x()),"
                    + " (KT ? ((char) c) : (KT ? ((char) (-2147483648L)) : 256)),"
                    + " ((KC == r0.y()) ? (-1307614) : q2), 192, (!(r0.y() != c)));\n"
                    + "    }\n"
                    + "    "
                    + r.of(
                        JavaType.LONG,
                        "(((32767 - (-4294967296L)) - ((r0.y() > b) ? (-32769) : r0.w())) / 117)")
                    + "\n"),
        new Case(
            "every component read after the first is written",
            JavaType.LONG,
            r ->
                "    Q q = new Q(a, c > 0, c, (short) d, (byte) b);\n"
                    + "    q = new Q(q.v() + 1, !q.f(), q.w() ^ (int) q.v(), (short) (q.y() + q.x()),"
                    + " (byte) (q.x() - q.w()));\n"
                    + "    "
                    + r.of(JavaType.LONG, "q.v() ^ q.w() ^ q.y() ^ q.x() ^ (q.f() ? 1L << 40 : 0)")
                    + "\n"));
  }

  /**
   * The optimiser's if-conversion (backend/IfConversion, found while it was being written) rewrote
   * a diamond of two constant moves while other jumps still led into it: into its then-arm (the
   * short-circuit jump of {@code ||}), and to a second label at its join (the outer arm of a nested
   * conditional). Those paths then skipped the move, and the verifier refused to read the unset
   * register ({@code R4 !read_ok}, {@code R3 !read_ok}). Fixed there by refusing a label at the
   * then-move and counting the jumps to every label bound at the join.
   */
  /**
   * Found on the way out: 'c + K' as an index is linked to c with the constant K as its offset, and
   * the verifier refused adding it to r10 for a byte array (no scaling shift cleared it).
   */
  @KernelTest
  void aByteArrayIndexedByAnOffsetExpressionLoads() {
    assertAgree(
        "LinkedIndex",
        new Case(
            "reported: arr1[(d + 1746379252)] ^= ... in a loop, with a boolean array",
            JavaType.INT,
            r ->
                "    boolean[] flags = {false, true, (a < 256), (b == d)};\n"
                    + "    for (int k = 1; k < 4; k += 1) {\n"
                    + "      flags[(d + 1746379252)] ^= (1431655765 <= (-1166864L));\n"
                    + "    }\n"
                    + "    "
                    + r.of(JavaType.INT, "(flags[0] ? 1 : 0) + (flags[3] ? 2 : 0)")
                    + "\n"));
  }

  @KernelTest
  void convertedDiamondsKeepJumpsIntoTheirThenArm() {
    assertAgree(
        "IfConversionThen",
        new Case(
            "jump into the then-arm: the true path of ||",
            JavaType.INT,
            r ->
                String.join(
                    "\n    ",
                    "    R r0 = new R((KT ? ((byte) c) : ((byte) c)), ((short) a), 'a', c, c, KT);",
                    "R r1 = new R(((byte) r0.v()), ((r0.v() < c) ? (KT ? ((byte) c) : ((byte) c))"
                        + " : ((a < r0.w()) ? ((short) r0.v()) : ((short) d))),"
                        + " ((char) (((long) c) ^ a)), r0.z(), ((r0.w() >> r0.v()) >> r0.v()),"
                        + " (r0.y() != 32));",
                    "var v0 = (((a > r0.z()) || r1.f()) ? ((char) a) : (r1.f() ? 'Z' : ' '));",
                    "long v1 = d;",
                    "var v2 = (r1.f() || (r0.v() > v0));",
                    "v0 = ((char) (b %= (b /= (-33))));",
                    "v0 |= c;",
                    "r0 = new R(((byte) Short.reverseBytes(((v0 == (-4294967296L)) ? ((byte) r0.w())"
                        + " : ((short) KL2)))),"
                        + " (r1.f() ? (((-1) < c) ? ((byte) 'Z') : (-5)) : ((short) (b | b))),"
                        + " ((d > ((byte) 33)) ? 65535 : (r1.f() ? 'a' : 32768)),"
                        + " (((-261) ^ v0) ^ ((byte) v0)), ((b >> v0) << ((byte) d)),"
                        + " ((b == KB2) & v2));",
                    r.of(JavaType.INT, "r0.x()") + "\n")));
  }

  /** See {@link #convertedDiamondsKeepJumpsIntoTheirThenArm()}. */
  @KernelTest
  void convertedDiamondsKeepJumpsToTheirJoin() {
    assertAgree(
        "IfConversionJoin",
        new Case(
            "a second label at the join: the outer arm of nested conditionals",
            JavaType.INT,
            r ->
                """
                    Q r0 = new Q(c, KT, c, (KT ? ((byte) c) : ((short) c)), (KT ? 0 : ((byte) c)));
                    short v0 = (r0.f() ? ((short) c) : (r0.f() ? ((short) KB) : ((short) KB)));
                    var v1 = (KT ? 0 : ((short) c));
                    char v2 = ((char) a);
                    var v3 = ((char) (c += v0));
                    v1 += (c += (KT ? d : a));
                """
                    + "    "
                    + r.of(
                        JavaType.INT, "(Integer.remainderUnsigned(d, (v1 % 127)) - (v1 + r0.v()))")
                    + "\n"));
  }

  /** A case that runs {@code statements}, which declare {@code v} or {@code v0}, and returns it. */
  private static Case body(String label, String statements) {
    String result = statements.contains("var v0") ? "v0" : "v";
    return new Case(
        label,
        JavaType.INT,
        r -> "    " + statements + "\n    " + r.of(JavaType.INT, result) + "\n");
  }

  private static void assertAgree(String className, Case... cases) {
    List<Inputs> inputs = new ArrayList<>(Inputs.EDGES);
    inputs.addAll(REPORTED);

    DifferentialRunner.Outcome outcome = DifferentialRunner.run(className, List.of(cases), inputs);

    assertEquals(cases.length * inputs.size(), outcome.comparisons());
    assertTrue(outcome.mismatches().isEmpty(), outcome::report);
  }
}
