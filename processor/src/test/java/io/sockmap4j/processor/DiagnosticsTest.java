package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.processor.diag.DiagnosticId;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every compile error a user can trigger: each test compiles an inline source with the processor
 * and checks the stable id, the words that tell the user what to do, the exact line, and that
 * nothing else was reported.
 */
class DiagnosticsTest {

  // ------------------------------------------------------------------------------- statements

  /** Each loop, and the part of the message that says why its end cannot be proven. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "while (true) { if (n > 3) { break; } n++; }"
            + " | its condition does not compare a counter with a constant",
        "for (;;) { break; } | it has no condition",
        "do { n++; } while (n != 10); | its condition does not compare a counter",
        "while (n < skb.len()) { n++; }"
            + " | 'n < skb.len()' does not compare an int or long local with a compile-time constant",
        "for (short s = 0; s < 10; s++) { n++; } | does not compare an int or long local",
        "for (int i = 0; i < 10; i--) { n++; } | its step 'i--' does not move i towards the bound",
        "for (int i = 0; i < 10; i += n) { n++; } | its update does not step i by a constant",
        "for (int i = 0, j = 0; i < 10; i++, i++) { n++; } | its update steps i twice",
        "for (int i = 0; i < 10; i++) { if (n > 0) { i += 2; } } | its counter i is also assigned",
        "while (n < 10) { n += 2; n++; } | its counter n is also assigned in 'n += 2'",
        "while (n < 10) { n++; n = 0; } | the last statement of its body does not step n",
        "while (n < 10) { if (n == 5) { continue; } n++; } | 'continue' skips the step of n",
        "for (int i = 0; i <= Integer.MAX_VALUE; i++) { n++; } | i would overflow past the bound",
        "for (int i = 0; i < 3_000_000_000L; i++) { n++; } | the bound 3000000000 is outside",
      })
  void loopsWhoseEndCannotBeProvenAreRefused(String loop, String reason) {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            %s
            return Verdict.PASS;
            """
                .formatted(loop));

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.UnboundedLoop,
        loop,
        "sockmap4j cannot prove this loop ends: ",
        reason,
        "for (int i = 0; i < N; i++)",
        "do not assign the counter anywhere else");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void boundedLoopsOfEveryFormCompile() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            for (int i = 0; i < 10; i++) { n++; }
            for (long i = 100; i >= -3_000_000_000L; i -= 7) { n++; }
            int k = 0;
            while (k < 5 && n > 0) { n--; k++; }
            while (100 > k) { k = k + 3; }
            do { k--; } while (k > -4);
            for (; k < Integer.MAX_VALUE; k++) { n++; }
            return Verdict.PASS;
            """);

    assertThat(compile(source)).succeededWithoutWarnings();
  }

  @Test
  void tryAndThrowAreUnsupported() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            try {
              n++;
            } finally {
              n--;
            }
            if (n < 0) {
              throw new IllegalStateException();
            }
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.Unsupported, "try {", "try/catch/finally", "exceptions");
    assertError(
        c, source, DiagnosticId.Unsupported, "throw new", "throw", "return a verdict instead");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void synchronizedIsUnsupported() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            synchronized (Prog.class) {
              n++;
            }
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.Unsupported, "synchronized (", "synchronized", "monitors");
    assertThat(c).hadErrorCount(1);
  }

  // ------------------------------------------------------------------------ values and types

  @Test
  void stringLiteralIsUnsupported() {
    JavaFileObject source =
        skbVerdict(
            """
            var greeting = "hello";
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.Unsupported, "\"hello\"", "a String", "primitives");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void newObjectIsUnsupported() {
    JavaFileObject source =
        skbVerdict(
            """
            var lock = new Object();
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "new Object()",
        "creating objects with 'new Object(...)'",
        "records of primitives");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void lambdasAndMethodReferencesAreUnsupported() {
    JavaFileObject source =
        skbVerdict(
            """
            java.util.function.IntSupplier lambda = () -> 1;
            java.util.function.IntSupplier reference = skb::len;
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.Unsupported, "() -> 1", "lambda", "inline");
    assertError(c, source, DiagnosticId.Unsupported, "skb::len", "method reference", "inline");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void writingStaticFieldsIsUnsupported() {
    JavaFileObject source =
        skbVerdict(
            """
            counter = 1;
            Prog.counter = 2;
            counter += 3;
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c, source, DiagnosticId.Unsupported, "counter = 1;", "assigning to 'counter'", "local");
    assertError(
        c, source, DiagnosticId.Unsupported, "Prog.counter = 2;", "assigning to 'Prog.counter'");
    assertError(
        c, source, DiagnosticId.Unsupported, "counter += 3;", "assigning to 'counter'", "local");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void unsupportedLocalTypes() {
    JavaFileObject source =
        skbVerdict(
            """
            String label = null;
            int[] counts = null;
            Object any = null;
            Direction way = Direction.INGRESS;
            Named named = null;
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c, source, DiagnosticId.UnsupportedType, "String label", "'String'", "boolean, byte");
    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "int[] counts",
        "an array initialised from 'null'",
        "create it with 'new' or '{...}'");
    assertError(c, source, DiagnosticId.UnsupportedType, "Object any", "'Object'");
    assertError(
        c,
        source,
        DiagnosticId.UnsupportedType,
        "Direction way",
        "Direction cannot be kept in a local",
        "Direction.INGRESS in the redirect call");
    assertError(
        c,
        source,
        DiagnosticId.UnsupportedType,
        "Named named",
        "record test.Prog.Named",
        "not primitives");
    assertThat(c).hadErrorCount(5);
  }

  @Test
  void callsToUnknownMethods() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            int floor = Math.floorMod(n, 2);
            long now = System.nanoTime();
            int thrice = thrice(n);
            int bogus = skb.bogus();
            return Verdict.PASS;
            """,
            """
            static int twice(int x) {
              return 2 * x;
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.UnknownMethod,
        "Math.floorMod(n, 2)",
        "'Math.floorMod(...)' is not one of the JDK methods programs can call",
        "min, max, abs");
    assertError(
        c,
        source,
        DiagnosticId.UnknownMethod,
        "System.nanoTime()",
        "'System.nanoTime(...)' is a method of another class",
        "static methods of their own class Prog",
        "Move the method into Prog");
    assertError(
        c,
        source,
        DiagnosticId.UnknownMethod,
        "thrice(n)",
        "unknown method call 'thrice(...)'",
        "skb.len()",
        "map.redirect",
        "static methods of Prog");
    assertError(
        c,
        source,
        DiagnosticId.UnknownMethod,
        "skb.bogus()",
        "no getter 'bogus()'",
        "socketCookie");
    assertThat(c).hadErrorCount(4);
  }

  @Test
  void unknownRecordComponent() {
    JavaFileObject source =
        skbVerdict(
            """
            Key key = new Key((byte) 1, 2L, (short) 3);
            int n = key.d();
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.UnknownMethod, "key.d()", "has no component 'd'");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void divisionByConstantZero() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            long cookie = skb.socketCookie();
            int a = n / 0;
            long b = cookie % 0L;
            int d = n / NONE;
            int e = Integer.divideUnsigned(n, 0);
            long f = Long.remainderUnsigned(cookie, 0L);
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.DivisionByNonConstant,
        "int a = n / 0;",
        "'/' by the constant zero",
        "ArithmeticException",
        "checked when the program runs");
    assertError(
        c, source, DiagnosticId.DivisionByNonConstant, "cookie % 0L", "'%' by the constant zero");
    assertError(
        c, source, DiagnosticId.DivisionByNonConstant, "n / NONE", "'/' by the constant zero");
    assertError(
        c,
        source,
        DiagnosticId.DivisionByNonConstant,
        "Integer.divideUnsigned(n, 0)",
        "Integer.divideUnsigned by the constant zero");
    assertError(
        c,
        source,
        DiagnosticId.DivisionByNonConstant,
        "Long.remainderUnsigned(cookie, 0L)",
        "Long.remainderUnsigned by the constant zero");
    assertThat(c).hadErrorCount(5);
  }

  @Test
  void unknownNames() {
    JavaFileObject source =
        skbVerdict(
            """
            int a = instanceField;
            int b = counter;
            Verdict v = Verdict.MAYBE;
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.UnknownName,
        "int a = instanceField;",
        "'instanceField' is not a local variable",
        "Instance fields");
    assertError(
        c,
        source,
        DiagnosticId.UnknownName,
        "int b = counter;",
        "'counter' is not a local variable",
        "non-constant static fields");
    assertError(c, source, DiagnosticId.UnknownName, "Verdict.MAYBE", "no constant MAYBE");
    assertThat(c).hadErrorCount(3);
  }

  // --------------------------------------------------------------------------------- maps

  @Test
  void badMapDeclarations() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            SocketMap notStatic;

            @SockMap(maxEntries = 4)
            static SocketHash<Long> wrongType;

            @SockHash(maxEntries = 4)
            static SocketHash<String> stringKeys;

            @SockHash(maxEntries = 4)
            static SocketHash<Boolean> booleanKeys;

            @SockMap(maxEntries = 0)
            static SocketMap empty;

            @SockMap(maxEntries = 4)
            @SockHash(maxEntries = 4)
            static SocketMap both;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadMapDeclaration,
        "SocketMap notStatic;",
        "must be static",
        "'static SocketMap ...'");
    assertError(
        c,
        source,
        DiagnosticId.BadMapDeclaration,
        "wrongType;",
        "@SockMap field must have type io.sockmap4j.SocketMap",
        "not io.sockmap4j.SocketHash<java.lang.Long>");
    assertError(
        c,
        source,
        DiagnosticId.BadMapDeclaration,
        "stringKeys;",
        "unsupported SOCKHASH key type java.lang.String",
        "Byte, Short, Integer, Long, or a record");
    assertError(
        c,
        source,
        DiagnosticId.BadMapDeclaration,
        "booleanKeys;",
        "unsupported SOCKHASH key type java.lang.Boolean");
    assertError(
        c,
        source,
        DiagnosticId.BadMapDeclaration,
        "empty;",
        "maxEntries must be at least 1, not 0");
    assertError(c, source, DiagnosticId.BadMapDeclaration, "both;", "either @SockMap or @SockHash");
    assertThat(c).hadErrorCount(6);
  }

  @Test
  void rawSocketHashNeedsAKeyType() {
    JavaFileObject source =
        source(
            """
            @SuppressWarnings("rawtypes")
            @SockHash(maxEntries = 4)
            static SocketHash raw;
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.BadMapDeclaration, "SocketHash raw;", "SocketHash<Long>");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void programOnMissingMap() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkMsgVerdict(map = "sockets")
            static Verdict send(SkMsg msg) {
              return Verdict.PASS;
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadMapReference,
        "static Verdict send(SkMsg msg)",
        "@SkMsgVerdict(map = \"sockets\") names no map of this class",
        "declared maps: peers");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void programOnRejectedMapReportsOnlyTheMap() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 0)
            static SocketMap peers;

            @SkMsgVerdict(map = "peers")
            static Verdict send(SkMsg msg) {
              return Verdict.PASS;
            }
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.BadMapDeclaration, "SocketMap peers;", "maxEntries");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void duplicateProgramKindOnOneMap() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbVerdict(map = "peers")
            static Verdict first(SkBuff skb) {
              return Verdict.PASS;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict second(SkBuff skb) {
              return Verdict.DROP;
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.DuplicateProgram,
        "static Verdict second(SkBuff skb)",
        "map 'peers' already has the @SkSkbVerdict program 'first'",
        "one program of each kind per map");
    assertThat(c).hadErrorCount(1);
  }

  // ---------------------------------------------------------------------------- signatures

  @Test
  void badProgramSignatures() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbVerdict(map = "peers")
            Verdict notStatic(SkBuff skb) {
              return Verdict.PASS;
            }

            @SkSkbParser(map = "peers")
            static int wrongParameter(SkMsg msg) {
              return 1;
            }

            @SkMsgVerdict(map = "peers")
            static int wrongReturn(SkMsg msg) {
              return 1;
            }

            @SkSkbParser(map = "peers")
            static int twoParameters(SkBuff skb, int extra) {
              return 1;
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadProgramSignature,
        "Verdict notStatic(SkBuff skb)",
        "@SkSkbVerdict method must be declared as 'static Verdict notStatic(SkBuff skb)'");
    assertError(
        c,
        source,
        DiagnosticId.BadProgramSignature,
        "wrongParameter(SkMsg msg)",
        "@SkSkbParser method must be declared as 'static int wrongParameter(SkBuff skb)'");
    assertError(
        c,
        source,
        DiagnosticId.BadProgramSignature,
        "wrongReturn(SkMsg msg)",
        "@SkMsgVerdict method must be declared as 'static Verdict wrongReturn(SkMsg msg)'");
    assertError(
        c,
        source,
        DiagnosticId.BadProgramSignature,
        "twoParameters(SkBuff skb, int extra)",
        "'static int twoParameters(SkBuff skb)'");
    assertThat(c).hadErrorCount(4);
  }

  @Test
  void twoProgramAnnotationsOnOneMethod() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbParser(map = "peers")
            @SkSkbVerdict(map = "peers")
            static int both(SkBuff skb) {
              return 1;
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadProgramSignature,
        "static int both(SkBuff skb)",
        "a method is one program: it has @SkSkbParser, @SkSkbVerdict",
        "one method per program");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void missingReturn() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              if (skb.len() > 4) {
                return 4;
              }
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.MissingReturn,
        "static int parse(SkBuff skb)",
        "a path through parse ends without a return");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void returnWithoutAValue() {
    JavaFileObject source =
        skbVerdict(
            """
            if (skb.len() == 0) {
              return;
            }
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "return;",
        "'return;' without a value",
        "This program returns Verdict");
    assertThat(c).hadErrorCount(1);
  }

  // --------------------------------------------------------------------------- intrinsics

  @Test
  void redirectWithNonConstantDirection() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            return peers.redirect(skb, 1, n > 0 ? Direction.INGRESS : Direction.EGRESS);
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadArgument,
        "n > 0 ? Direction.INGRESS",
        "direction must be the constant Direction.EGRESS or Direction.INGRESS");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void redirectWhoseFirstArgumentIsNotTheContext() {
    JavaFileObject source =
        skbVerdict(
            """
            return peers.redirect(previous, 1);
            """,
            """
            static SkBuff previous;
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadArgument,
        "peers.redirect(previous, 1)",
        "call redirect as peers.redirect(skb, key)",
        "the first argument is this program's context parameter");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void getterWithArguments() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len(3);
            return Verdict.PASS;
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.BadArgument, "skb.len(3)", "'len()' takes no arguments");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void sockhashKeyOfTheWrongType() {
    JavaFileObject source =
        source(
            """
            record Flow(int ip, int port) {}

            record NotFlow(int ip, int port) {}

            @SockHash(maxEntries = 4)
            static SocketHash<Flow> flows;

            @SkMsgVerdict(map = "flows")
            static Verdict send(SkMsg msg) {
              NotFlow other = new NotFlow(msg.remoteIp4(), msg.remotePort());
              if (msg.size() > 100) {
                return flows.redirect(msg, new NotFlow(1, 2));
              }
              if (msg.size() > 10) {
                return flows.redirect(msg, other);
              }
              return flows.redirect(msg, 7L);
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadArgument,
        "flows.redirect(msg, new NotFlow(1, 2))",
        "expected a Flow here, not a NotFlow");
    assertError(
        c,
        source,
        DiagnosticId.BadArgument,
        "flows.redirect(msg, other)",
        "expected a Flow here: write 'new Flow(...)'");
    assertError(
        c, source, DiagnosticId.BadArgument, "flows.redirect(msg, 7L)", "expected a Flow here");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void stackOverflowIsReportedWhereTheStackRunsOut() {
    // Each Big takes 64 bytes: eight fill the kernel's 512, the ninth does not fit.
    JavaFileObject source =
        source(
            """
            record Big(long a, long b, long c, long d, long e, long f, long g, long h) {}

            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              Big b1 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b2 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b3 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b4 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b5 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b6 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b7 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b8 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              Big b9 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
              if (b9.a() == b1.h()) {
                return Verdict.DROP;
              }
              return Verdict.PASS;
            }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.StackOverflow,
        "Big b9",
        "more than the kernel's 512 bytes of stack",
        "576 bytes");
    assertThat(c).hadErrorCount(1);
  }

  // ---------------------------------------------------------------- reporting and recovery

  @Test
  void reportsEveryErrorOfAMethod() {
    JavaFileObject source =
        skbVerdict(
            """
            int n = skb.len();
            if (n > Math.floorMod(n, 1)) {
              return Verdict.DROP;
            } else {
              String text = null;
            }
            while (true) {
              n--;
            }
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.UnknownMethod, "Math.floorMod(n, 1)", "Math.floorMod");
    assertError(c, source, DiagnosticId.UnsupportedType, "String text", "'String'");
    assertError(c, source, DiagnosticId.UnboundedLoop, "while (true)", "cannot prove");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void reportsErrorsOfEveryMethod() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              return skb.len() / 0;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              for (int i = 0; i < 2; ) {
                return Verdict.DROP;
              }
              return Verdict.PASS;
            }
            """);

    Compilation c = compile(source);

    assertError(
        c, source, DiagnosticId.DivisionByNonConstant, "skb.len() / 0", "by the constant zero");
    assertError(c, source, DiagnosticId.UnboundedLoop, "for (int i = 0", "does not step i");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void usesOfAFailedDeclarationAreNotReportedAgain() {
    JavaFileObject source =
        skbVerdict(
            """
            int biggest = Math.floorMod(skb.len(), 4);
            int half = biggest / 2;
            return peers.redirect(skb, biggest + half);
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.UnknownMethod, "Math.floorMod", "Math.floorMod");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aClassWithAnErrorGetsNoLoaderAndNoObject(@TempDir Path good, @TempDir Path bad)
      throws IOException {
    String body =
        """
        @SockMap(maxEntries = 4)
        static SocketMap peers;

        @SkSkbVerdict(map = "peers")
        static Verdict verdict(SkBuff skb) {
          int n = skb.len();
          %s
          return Verdict.PASS;
        }
        """;
    // compile-testing hides the generated files of a failed compilation: let javac write them.
    boolean goodCompiled = compileInto(source(body.formatted("n++;")), good);
    boolean badCompiled = compileInto(source(body.formatted("while (true) { n--; }")), bad);

    // The same class without the error produces all three, so their absence below means something.
    assertTrue(goodCompiled);
    assertTrue(Files.exists(good.resolve("test/ProgLoader.java")));
    assertTrue(Files.exists(good.resolve("test/Prog.sockmap4j")));
    assertTrue(Files.exists(good.resolve("test/Prog.sockmap4j.txt")));

    assertFalse(badCompiled);
    assertFalse(Files.exists(bad.resolve("test/ProgLoader.java")));
    assertFalse(Files.exists(bad.resolve("test/Prog.sockmap4j")));
    assertFalse(Files.exists(bad.resolve("test/Prog.sockmap4j.txt")));
  }

  /** Compiles {@code source} with javac; classes, resources and sources go to {@code out}. */
  private static boolean compileInto(JavaFileObject source, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, null)) {
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
      files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(out));
      JavaCompiler.CompilationTask task =
          javac.getTask(
              Writer.nullWriter(),
              files,
              diagnostic -> {},
              List.of("-classpath", System.getProperty("java.class.path")),
              null,
              List.of(source));
      task.setProcessors(List.of(new SockmapProcessor()));
      return task.call();
    }
  }

  /**
   * One trigger per id a user can cause, so that a new id added to the catalogue without a test
   * fails here. The tests above cover the variants.
   */
  @ParameterizedTest
  @EnumSource(
      value = DiagnosticId.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {"Internal", "Environment"})
  void everyUserDiagnosticHasATrigger(DiagnosticId id) {
    Trigger trigger = TRIGGERS.get(id);
    if (trigger == null) {
      fail("no trigger for " + id.tag() + ": add one to TRIGGERS and a test with its variants");
    }

    Compilation c = compile(trigger.source());

    assertError(c, trigger.source(), id, trigger.line());
    assertThat(c).hadErrorCount(1);
    for (Diagnostic<? extends JavaFileObject> error : c.errors()) {
      assertTrue(
          error.getMessage(Locale.ROOT).startsWith(id.tag() + " "),
          () -> "message does not start with its tag: " + error.getMessage(Locale.ROOT));
    }
  }

  private record Trigger(JavaFileObject source, String line) {}

  private static final Map<DiagnosticId, Trigger> TRIGGERS = new EnumMap<>(DiagnosticId.class);

  static {
    TRIGGERS.put(
        DiagnosticId.Unsupported,
        new Trigger(skbVerdict("throw new IllegalStateException();"), "throw new"));
    TRIGGERS.put(
        DiagnosticId.UnsupportedType,
        new Trigger(skbVerdict("String s = null;\nreturn Verdict.PASS;"), "String s"));
    TRIGGERS.put(
        DiagnosticId.UnknownName,
        new Trigger(
            skbVerdict("return peers.redirect(skb, counter);"), "peers.redirect(skb, counter)"));
    TRIGGERS.put(
        DiagnosticId.UnknownMethod,
        new Trigger(skbVerdict("return peers.redirect(skb, Math.floorMod(1, 2));"), "floorMod"));
    TRIGGERS.put(
        DiagnosticId.BadMapDeclaration,
        new Trigger(source("@SockMap(maxEntries = 1)\nSocketMap peers;"), "SocketMap peers"));
    TRIGGERS.put(
        DiagnosticId.BadProgramSignature,
        new Trigger(
            source(
                """
                @SockMap(maxEntries = 1)
                static SocketMap peers;
                @SkSkbParser(map = "peers")
                static long parse(SkBuff skb) { return 1; }
                """),
            "static long parse"));
    TRIGGERS.put(
        DiagnosticId.BadMapReference,
        new Trigger(
            source(
                """
                @SkSkbParser(map = "peers")
                static int parse(SkBuff skb) { return 1; }
                """),
            "static int parse"));
    TRIGGERS.put(
        DiagnosticId.DuplicateProgram,
        new Trigger(
            source(
                """
                @SockMap(maxEntries = 1)
                static SocketMap peers;
                @SkSkbParser(map = "peers")
                static int parse(SkBuff skb) { return 1; }
                @SkSkbParser(map = "peers")
                static int again(SkBuff skb) { return 1; }
                """),
            "static int again"));
    TRIGGERS.put(
        DiagnosticId.BadArgument,
        new Trigger(
            skbVerdict("return peers.redirect(skb, 1, way);", "static Direction way;"),
            "return peers.redirect"));
    TRIGGERS.put(
        DiagnosticId.DivisionByNonConstant,
        new Trigger(skbVerdict("return peers.redirect(skb, skb.len() / 0);"), "skb.len() / 0"));
    TRIGGERS.put(
        DiagnosticId.UnboundedLoop, new Trigger(skbVerdict("while (true) {}"), "while (true)"));
    TRIGGERS.put(
        DiagnosticId.Recursion,
        new Trigger(
            skbVerdict(
                "return peers.redirect(skb, down(skb.len()));",
                "static int down(int x) { return x > 0 ? down(x - 1) : 0; }"),
            "down(x - 1)"));
    TRIGGERS.put(
        DiagnosticId.IndexOutOfRange,
        new Trigger(
            skbVerdict("int[] a = new int[2];\nreturn peers.redirect(skb, a[2]);"), "a[2]"));
    TRIGGERS.put(
        DiagnosticId.StackOverflow,
        new Trigger(
            source(
                """
                record Big(long a, long b, long c, long d, long e, long f, long g, long h) {}
                @SockMap(maxEntries = 1)
                static SocketMap peers;
                @SkSkbVerdict(map = "peers")
                static Verdict verdict(SkBuff skb) {
                  Big b1 = new Big(1, 2, 3, 4, 5, 6, 7, 8);
                  Big b2 = b1;
                  Big b3 = b1;
                  Big b4 = b1;
                  Big b5 = b1;
                  Big b6 = b1;
                  Big b7 = b1;
                  Big b8 = b1;
                  Big nine = b1;
                  return Verdict.PASS;
                }
                """),
            "Big nine"));
    TRIGGERS.put(
        DiagnosticId.MissingReturn,
        new Trigger(
            source(
                """
                @SockMap(maxEntries = 1)
                static SocketMap peers;
                @SkSkbParser(map = "peers")
                static int parse(SkBuff skb) { if (skb.len() > 0) { return 1; } }
                """),
            "static int parse"));
    TRIGGERS.put(
        DiagnosticId.UnavailableHelper,
        new Trigger(skbVerdict("peers.update(null, 1);\nreturn Verdict.PASS;"), "peers.update"));
    TRIGGERS.put(
        DiagnosticId.ConflictingPrograms,
        new Trigger(
            source(
                """
                @SockMap(maxEntries = 1)
                static SocketMap peers;
                @SkSkbVerdict(map = "peers")
                static Verdict stream(SkBuff skb) { return Verdict.PASS; }
                @SkbVerdict(map = "peers")
                static Verdict any(SkBuff skb) { return Verdict.PASS; }
                """),
            "static Verdict any"));
    TRIGGERS.put(
        DiagnosticId.NotAllowedInProgram,
        new Trigger(
            source(
                """
                @SockMap(maxEntries = 1)
                static SocketMap peers;
                @SkSkbParser(map = "peers")
                static int parse(SkBuff skb) { skb.changeTail(1); return skb.len(); }
                """),
            "skb.changeTail(1)"));
  }

  // ------------------------------------------------------------------------------- helpers

  /**
   * A class {@code test.Prog} with {@code members}, some fields the body tests refer to, and the
   * records {@code Key} (padded) and {@code Named} (not all primitives).
   */
  static JavaFileObject source(String members) {
    return JavaFileObjects.forSourceString(
        "test.Prog",
        """
        package test;

        import io.sockmap4j.*;

        final class Prog {
          static int counter;
          static final int NONE = 0;
          int instanceField;

          record Key(byte a, long b, short c) {}

          record Named(String name) {}

        %s
        }
        """
            .formatted(members));
  }

  /** {@link #source} with a SOCKMAP {@code peers} and an SK_SKB verdict made of {@code body}. */
  static JavaFileObject skbVerdict(String body) {
    return skbVerdict(body, "");
  }

  static JavaFileObject skbVerdict(String body, String moreMembers) {
    return source(
        """
        @SockMap(maxEntries = 4)
        static SocketMap peers;

        @SkSkbVerdict(map = "peers")
        static Verdict verdict(SkBuff skb) {
        %s
        }

        %s
        """
            .formatted(body, moreMembers));
  }

  static Compilation compile(JavaFileObject source) {
    return Compiler.javac().withProcessors(new SockmapProcessor()).compile(source);
  }

  /**
   * Asserts an error that starts with {@code id}'s tag, contains {@code keywords} in order, and is
   * reported on the one line of {@code source} that contains {@code line}.
   */
  static void assertError(
      Compilation c, JavaFileObject source, DiagnosticId id, String line, String... keywords) {
    StringBuilder regex = new StringBuilder("(?s)^").append(Pattern.quote(id.tag() + " "));
    for (String keyword : keywords) {
      regex.append(".*").append(Pattern.quote(keyword));
    }
    assertThat(c)
        .hadErrorContainingMatch(Pattern.compile(regex.toString()))
        .inFile(source)
        .onLineContaining(line);
  }
}
