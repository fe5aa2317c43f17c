package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.sockmap4j.processor.DiagnosticsTest.assertError;
import static io.sockmap4j.processor.DiagnosticsTest.compile;
import static io.sockmap4j.processor.DiagnosticsTest.skbVerdict;

import com.google.testing.compile.Compilation;
import io.sockmap4j.processor.diag.DiagnosticId;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The compile errors of switch, enums, arrays, calls to the class's own methods and the JDK
 * intrinsics: the id, the words that say what to do, and the exact line. Loops are in {@link
 * DiagnosticsTest}, with the catalogue check.
 */
class LanguageDiagnosticsTest {

  // ---------------------------------------------------------------------------------- calls

  @Test
  void directRecursionNamesTheCycle() {
    JavaFileObject source =
        skbVerdict(
            "return peers.redirect(skb, fact(skb.len() & 3));",
            "static int fact(int x) {\n  return x <= 1 ? 1 : x * fact(x - 1);\n}");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.Recursion,
        "x * fact(x - 1)",
        "recursive call: fact -> fact",
        "Calls are inlined",
        "write it as a loop");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void mutualRecursionNamesTheCycle() {
    JavaFileObject source =
        skbVerdict(
            "return peers.redirect(skb, ping(skb.len()));",
            """
            static int ping(int x) {
              return x == 0 ? 0 : pong(x - 1);
            }

            static int pong(int x) {
              return ping(x);
            }
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.Recursion, "return ping(x);", "ping -> pong -> ping");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aProgramCallingItselfIsRecursion() {
    JavaFileObject source =
        skbVerdict("if (skb.len() > 4) {\n  return verdict(skb);\n}\nreturn Verdict.PASS;");

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.Recursion, "return verdict(skb);", "verdict -> verdict");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void callsThatCannotBeInlined() {
    JavaFileObject source =
        skbVerdict(
            """
            int a = instanceHelper(1);
            int b = local(5);
            nothing(1);
            int c = nothing(2);
            int d = sum(new int[] {1});
            return Verdict.PASS;
            """,
            """
            int instanceHelper(int x) {
              return x;
            }

            static int local(SkBuff skb) {
              return skb.len();
            }

            static void nothing(int x) {}

            static int sum(int[] xs) {
              return xs[0];
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "instanceHelper(1)",
        "calling the instance method instanceHelper",
        "make instanceHelper static");
    assertError(
        c,
        source,
        DiagnosticId.BadArgument,
        "local(5)",
        "pass the context parameter 'skb' itself here");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "int c = nothing(2);",
        "using the result of the void method 'nothing(2)'");
    assertError(
        c,
        source,
        DiagnosticId.UnsupportedType,
        "static int sum(int[] xs)",
        "array parameters are not supported");
    assertThat(c).hadErrorCount(4);
  }

  @Test
  void anErrorInAMethodCalledTwiceIsReportedOnce() {
    JavaFileObject source =
        skbVerdict(
            "return peers.redirect(skb, twice(1) + twice(2));",
            "static int twice(int x) {\n  String s = null;\n  return 2 * x;\n}");

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.UnsupportedType, "String s = null;", "'String'");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void anErrorInAMethodOfTwoProgramsIsReportedOnce() {
    JavaFileObject source =
        DiagnosticsTest.source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            static int bad(int x) {
              long[] xs = new long[x];
              return x;
            }

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              return bad(skb.len());
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              return peers.redirect(skb, bad(1));
            }
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.Unsupported, "new long[x]", "not a compile-time constant");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aCalledMethodMissingAReturn() {
    JavaFileObject source =
        skbVerdict(
            "return peers.redirect(skb, half(skb.len()));",
            "static int half(int x) {\n  if (x > 0) {\n    return x / 2;\n  }\n}");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.MissingReturn,
        "static int half(int x)",
        "a path through half ends without a return");
    assertThat(c).hadErrorCount(1);
  }

  // ----------------------------------------------------------------------------- intrinsics

  @Test
  void intrinsicsWithArgumentsOfTheWrongType() {
    JavaFileObject source =
        skbVerdict(
            """
            long cookie = skb.socketCookie();
            int a = Integer.reverseBytes(cookie);
            int b = Math.abs(1, 2);
            int c = Integer.bitCount(a);
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadArgument,
        "Integer.reverseBytes(cookie)",
        "Integer.reverseBytes takes int here, not long");
    assertError(c, source, DiagnosticId.BadArgument, "Math.abs(1, 2)", "Math.abs takes 1 argument");
    assertError(
        c,
        source,
        DiagnosticId.UnknownMethod,
        "Integer.bitCount(a)",
        "not one of the JDK methods",
        "toUnsignedLong, compareUnsigned, divideUnsigned");
    assertThat(c).hadErrorCount(3);
  }

  // --------------------------------------------------------------------------------- arrays

  @Test
  void constantIndexesOutOfRange() {
    JavaFileObject source =
        skbVerdict(
            """
            int[] xs = new int[3];
            xs[3] = 1;
            long[] ys = {1, 2};
            ys[-1]++;
            byte[] none = new byte[-2];
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.IndexOutOfRange,
        "xs[3] = 1;",
        "index 3 is outside xs (length 3)",
        "ArrayIndexOutOfBoundsException",
        "from 0 to 2");
    assertError(c, source, DiagnosticId.IndexOutOfRange, "ys[-1]++;", "index -1 is outside ys");
    assertError(
        c,
        source,
        DiagnosticId.IndexOutOfRange,
        "new byte[-2]",
        "the array length -2 is negative",
        "NegativeArraySizeException");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void arraysTheCompilerCannotLayOut() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            int[] sized = new int[n];
            int[] fixed = {1, 2};
            int[] alias = fixed;
            fixed = new int[2];
            int[][] grid = new int[2][2];
            long[] huge = new long[65];
            short[] none;
            return peers.redirect(skb, fixed);
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "new int[n]",
        "an array length that is not a compile-time constant",
        "'new int[8]'");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "int[] alias = fixed;",
        "an array initialised from 'fixed'",
        "cannot be copied or shared");
    assertError(
        c, source, DiagnosticId.Unsupported, "fixed = new int[2];", "assigning the array 'fixed'");
    assertError(c, source, DiagnosticId.UnsupportedType, "int[][] grid", "'int[][]'");
    assertError(
        c, source, DiagnosticId.StackOverflow, "long[] huge", "more than the kernel's 512 bytes");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "peers.redirect(skb, fixed)",
        "using 'fixed' (a int[2]) as a value",
        "arrays cannot be copied or passed");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "short[] none;",
        "an array without an initialiser",
        "'short[] none = new short[8];'");
    assertThat(c).hadErrorCount(7);
  }

  // ------------------------------------------------------------------------ switch and enums

  @Test
  void switchesOutsideTheSubset() {
    JavaFileObject source =
        skbVerdict(
            """
            long cookie = skb.socketCookie();
            int n = skb.len();
            switch (cookie) {
              default:
                n++;
            }
            int m = switch (n) {
              case 1 -> 10;
              case 2 -> 20;
            };
            switch (n) {
              case 1:
                break;
              case NONE + n:
                break;
            }
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "switch (cookie)",
        "a switch on a long",
        "int, short, char, byte or enum");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "int m = switch (n)",
        "a switch expression that does not cover every value",
        "Add a default case");
    assertError(c, source, DiagnosticId.Unsupported, "case NONE + n:", "the case label 'NONE + n'");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void jumpsThatLeaveNothing() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            if (n > 0) {
              break;
            }
            int m = switch (n) {
              case 1 -> {
                return Verdict.DROP;
              }
              default -> 2;
            };
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c, source, DiagnosticId.Unsupported, "break;", "this break", "an enclosing loop, switch");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "return Verdict.DROP;",
        "return inside a switch expression",
        "Use yield");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void enumConstantsAndMethods() {
    JavaFileObject source =
        skbVerdict(
            """
            Mode m = Mode.FAST;
            Mode bogus = Mode.TURBO;
            String label = m.name();
            boolean less = m < Mode.SLOW;
            switch (m) {
              case WARP:
                return Verdict.DROP;
              default:
                return Verdict.PASS;
            }
            """,
            "enum Mode { SLOW, FAST }");

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.UnknownName, "Mode.TURBO", "Mode has no constant TURBO");
    assertError(c, source, DiagnosticId.UnsupportedType, "String label", "'String'");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "m < Mode.SLOW",
        "comparing Mode with Mode",
        "with == and !=");
    assertError(c, source, DiagnosticId.UnknownName, "case WARP:", "Mode has no constant WARP");
    assertThat(c).hadErrorCount(4);
  }

  @Test
  void enumMethodsOtherThanOrdinal() {
    JavaFileObject source =
        skbVerdict(
            "Mode m = Mode.FAST;\nint h = m.hashCode();\nreturn Verdict.PASS;",
            "enum Mode { SLOW, FAST }");

    Compilation c = compile(source);

    assertError(
        c, source, DiagnosticId.UnknownMethod, "m.hashCode()", "unknown method call 'm.hashCode");
    assertThat(c).hadErrorCount(1);
  }
}
