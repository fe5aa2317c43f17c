package io.sockmap4j.processor.semantics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Language features the differential test uses once the compiler has them, probed by compiling a
 * small program with each (once per JVM): the test keeps working while the language grows, and
 * starts covering a feature the day it lands.
 */
final class Features {
  private static Boolean toUnsignedLong;
  private static Boolean nonConstantDivisors;
  private static List<JdkMethod> supportedMethods;
  private static Boolean switches;
  private static Boolean loops;
  private static Boolean arrays;
  private static Boolean helperCalls;

  private Features() {}

  /** Whether programs can call {@code Integer.toUnsignedLong} (else the inputs use a mask). */
  static synchronized boolean toUnsignedLong() {
    if (toUnsignedLong == null) {
      toUnsignedLong = compiles("return (int) (Integer.toUnsignedLong(skb.cb(1)) >>> 1);");
    }
    return toUnsignedLong;
  }

  /**
   * Whether {@code /} and {@code %} accept divisors that are not constants (with a run-time zero
   * check that makes the program fault, as Java throws). Until then the generator divides by
   * non-zero literals only.
   */
  static synchronized boolean nonConstantDivisors() {
    if (nonConstantDivisors == null) {
      nonConstantDivisors =
          compiles("int c = skb.cb(4); long b = skb.cb(3); return (int) (c / skb.cb(0) + b % c);");
    }
    return nonConstantDivisors;
  }

  /** Whether switch statements and switch expressions compile. */
  static synchronized boolean switches() {
    if (switches == null) {
      switches =
          compiles(
              "int x = skb.cb(0);\n"
                  + "int y = switch (x & 3) { case 0 -> 1; case 1, 2 -> 5; default -> 7; };\n"
                  + "switch (x) { case 1: y++; case 2: y += 2; break; default: y--; }\n"
                  + "return y;");
    }
    return switches;
  }

  /** Whether counted for and while loops with break and continue compile. */
  static synchronized boolean loops() {
    if (loops == null) {
      loops =
          compiles(
              "int s = skb.cb(0);\n"
                  + "for (int k = 0; k < 4; k += 1) { if (s > 3) break; if (k == 1) continue;"
                  + " s += k; }\n"
                  + "{ int k = 1; while (k < 3) { s ^= k; k += 1; } }\n"
                  + "return s;");
    }
    return loops;
  }

  /** Whether local arrays with variable indexes compile. */
  static synchronized boolean arrays() {
    if (arrays == null) {
      arrays =
          compiles(
              "int i = skb.cb(0); long[] a = new long[4]; int[] b = {1, 2, 3};\n"
                  + "a[i & 3] = 5; a[i] += 2; b[1]++;\n"
                  + "return (int) a[1] + b[i] + a.length;");
    }
    return arrays;
  }

  /** Whether programs can call other static methods of their class (which the compiler inlines). */
  static synchronized boolean helperCalls() {
    if (helperCalls == null) {
      helperCalls =
          compile(
                  "  static long twice(long x, int y) { if (y > 0) { return x * 2; } return x; }\n",
                  "return (int) twice(skb.cb(0), skb.cb(1));")
              .succeeded();
    }
    return helperCalls;
  }

  /**
   * The {@linkplain JdkMethod#CANDIDATES candidate} JDK methods the compiler accepts: one probe
   * compile calls each on its own line, and a method is kept when its line has no error.
   */
  static synchronized List<JdkMethod> supportedMethods() {
    if (supportedMethods == null) {
      StringBuilder body = new StringBuilder("int i = skb.cb(0); long l = skb.cb(1);\n");
      body.append("short s = (short) i; byte y = (byte) i; char ch = (char) i; long r;\n");
      int firstLine = PROBE_BODY_LINE + 2;
      for (JdkMethod m : JdkMethod.CANDIDATES) {
        List<String> args = new ArrayList<>();
        for (JavaType p : m.params()) {
          args.add(
              switch (p) {
                case INT -> "i";
                case LONG -> "l";
                case SHORT -> "s";
                case BYTE -> "y";
                default -> "ch";
              });
        }
        body.append("r = ").append(m.call(args)).append(";\n");
      }
      body.append("return (int) r;");
      InMemoryJavac.Result c = compile(body.toString());
      Set<Long> failed = new HashSet<>();
      for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          failed.add(d.getLineNumber());
        }
      }
      List<JdkMethod> supported = new ArrayList<>();
      for (int k = 0; k < JdkMethod.CANDIDATES.size(); k++) {
        if (!failed.contains((long) firstLine + k)) {
          supported.add(JdkMethod.CANDIDATES.get(k));
        }
      }
      supportedMethods = List.copyOf(supported);
    }
    return supportedMethods;
  }

  private static boolean compiles(String body) {
    return compile(body).succeeded();
  }

  /** The line of the first statement of the probe's body. */
  private static final int PROBE_BODY_LINE = 9;

  private static InMemoryJavac.Result compile(String body) {
    return compile("", body);
  }

  /** Compiles a parser with {@code body}, and the extra class {@code members} after it. */
  private static InMemoryJavac.Result compile(String members, String body) {
    String source =
        "package probe;\n"
            + "import io.sockmap4j.SkBuff;\n"
            + "import io.sockmap4j.SkSkbParser;\n"
            + "import io.sockmap4j.SockMap;\n"
            + "import io.sockmap4j.SocketMap;\n"
            + "final class Probe {\n"
            + "  @SockMap(maxEntries = 1) static SocketMap m;\n"
            + "  @SkSkbParser(map = \"m\") static int p(SkBuff skb) {\n"
            + body
            + "\n  }\n"
            + members
            + "}\n";
    return InMemoryJavac.compile("probe.Probe", source);
  }
}
