package io.sockmap4j.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.VerifierException;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/**
 * What compiled code computes, checked against Java itself. One class holds methods {@code static
 * int name(int a, int b)} or {@code static long name(long a, long b)} written in the language; each
 * is called by a generated stream parser that reads its arguments from the control buffer ({@code
 * skb.cb(i)}). The same class runs in this JVM and, loaded as SCHED_CLS (the kernel cannot test-run
 * SK_SKB programs), in the kernel, on a grid of inputs with every edge value. Where Java throws
 * (division by zero, an index out of range), the parser must return its fault result -1.
 *
 * <p>A long result is folded to 32 bits ({@code r ^ r >>> 32}) by the parser and by the test.
 */
class LanguageSemanticsTest {

  private static final int[] INTS = {
    Integer.MIN_VALUE,
    Integer.MIN_VALUE + 1,
    -65536,
    -1000,
    -33,
    -7,
    -3,
    -2,
    -1,
    0,
    1,
    2,
    3,
    5,
    7,
    8,
    31,
    32,
    33,
    255,
    1000,
    0x12345678,
    0x7FFF_FFFE,
    Integer.MAX_VALUE
  };

  private static final long[] LONGS = {
    Long.MIN_VALUE,
    Long.MIN_VALUE + 1,
    -0x1_0000_0001L,
    -(1L << 32),
    -1000,
    -7,
    -2,
    -1,
    0,
    1,
    2,
    7,
    63,
    64,
    65,
    0x7FFF_FFFFL,
    0xFFFF_FFFFL,
    1L << 32,
    0x1234_5678_9ABC_DEF0L,
    Long.MAX_VALUE
  };

  private static final String METHODS =
      """
      // ------------------------------------------------ division by values known at run time
      static int div(int a, int b) { return a / b; }
      static int rem(int a, int b) { return a % b; }
      static long ldiv(long a, long b) { return a / b; }
      static long lrem(long a, long b) { return a % b; }
      static int mixedDiv(int a, int b) { long wide = a; return (int) (wide / b) + (short) a % (b | 1); }
      static int compoundDiv(int a, int b) { int x = a; x /= b; int y = a; y %= b; return x * 31 + y; }
      static int byteDiv(int a, int b) { byte x = (byte) a; x /= (byte) b; return x; }

      // ------------------------------------------------ JDK intrinsics
      static long toUnsignedLong(int a, int b) { return Integer.toUnsignedLong(a) + Integer.toUnsignedLong(b); }
      static int cmpU(int a, int b) { return Integer.compareUnsigned(a, b); }
      static int divU(int a, int b) { return Integer.divideUnsigned(a, b); }
      static int remU(int a, int b) { return Integer.remainderUnsigned(a, b); }
      static int divUConst(int a, int b) { return Integer.divideUnsigned(a, 7) ^ Integer.remainderUnsigned(b, 0x8000_0001); }
      static int lcmpU(long a, long b) { return Long.compareUnsigned(a, b); }
      static long ldivU(long a, long b) { return Long.divideUnsigned(a, b); }
      static long lremU(long a, long b) { return Long.remainderUnsigned(a, b); }
      static long ldivUConst(long a, long b) { return Long.divideUnsigned(a, -3L) + Long.remainderUnsigned(b, 1000); }
      static int reverse(int a, int b) { return Integer.reverseBytes(a); }
      static long lreverse(long a, long b) { return Long.reverseBytes(a); }
      static int reverseShort(int a, int b) { return Short.reverseBytes((short) a); }
      static int reverseChar(int a, int b) { return Character.reverseBytes((char) a); }
      static int unsignedBytes(int a, int b) { return Byte.toUnsignedInt((byte) a) * 100000 + Short.toUnsignedInt((short) b); }
      static long unsignedLongs(long a, long b) { return Byte.toUnsignedLong((byte) a) - Short.toUnsignedLong((short) b); }
      static int rotl(int a, int b) { return Integer.rotateLeft(a, b); }
      static int rotr(int a, int b) { return Integer.rotateRight(a, b); }
      static int rotConst(int a, int b) { return Integer.rotateLeft(a, 5) ^ Integer.rotateRight(b, 37) ^ Integer.rotateLeft(a, 32); }
      static long lrotl(long a, long b) { return Long.rotateLeft(a, (int) b); }
      static long lrotr(long a, long b) { return Long.rotateRight(a, (int) b) ^ Long.rotateLeft(b, 13); }
      static int min(int a, int b) { return Math.min(a, b); }
      static int max(int a, int b) { return Math.max(a, b); }
      static int abs(int a, int b) { return Math.abs(a); }
      static long lminmax(long a, long b) { return Math.min(a, b) * 3 + Math.max(a, (int) b) + Math.abs(b); }

      // ------------------------------------------------ loops
      static int sumTo(int a, int b) {
        int sum = 0;
        for (int i = 0; i < 40; i++) {
          if (i > (a & 31)) {
            break;
          }
          if ((i & 1) == 0) {
            continue;
          }
          sum += i * b;
        }
        return sum;
      }
      static int whileDown(int a, int b) {
        int i = 20;
        int acc = 1;
        while (i > 0 && acc != 0) {
          acc = acc * 3 + (a >> (i & 7));
          i -= 3;
        }
        return acc + i;
      }
      static int doWhile(int a, int b) {
        long i = 0;
        int bits = 0;
        do {
          bits += (a >>> i) & 1;
          i++;
        } while (i < 32);
        return bits;
      }
      static int nested(int a, int b) {
        int hits = 0;
        outer:
        for (int i = 0; i < 8; i++) {
          for (int j = 0; j < 8; j++) {
            if (j > i) {
              continue outer;
            }
            if (i * j > (a & 63)) {
              break outer;
            }
            hits += i ^ j;
          }
        }
        return hits;
      }
      static int forEach(int a, int b) {
        int[] weights = {3, -1, 4, 1, -5, 9};
        int sum = 0;
        for (int w : weights) {
          sum = sum * 7 + w * a;
        }
        long[] pair = {b, a};
        for (long w : pair) {
          sum ^= (int) w;
        }
        return sum;
      }

      // ------------------------------------------------ switch
      static int classic(int a, int b) {
        int r = 0;
        switch (a & 7) {
          case 0:
            r = 10;
          case 1:
            r += 1;
            break;
          case 2:
          case 3:
            r = 23;
            break;
          case 5:
            return b;
          default:
            r = -1;
        }
        return r;
      }
      static int arrows(int a, int b) {
        int r;
        switch ((char) a) {
          case 'a', 'b' -> r = 1;
          case 'z' -> {
            r = b;
          }
          default -> r = 0;
        }
        return r;
      }
      static int many(int a, int b) {
        return switch (a) {
          case -1000 -> 1;
          case -7 -> 2;
          case -3, -2 -> 3;
          case 0 -> 4;
          case 1 -> 5;
          case 2 -> 6;
          case 5 -> 7;
          case 8 -> 8;
          case 31 -> 9;
          case 33 -> 10;
          case 1000 -> 11;
          case Integer.MAX_VALUE -> 12;
          case Integer.MIN_VALUE -> 13;
          default -> {
            int k = b & 3;
            yield k * 100;
          }
        };
      }
      static int yielding(int a, int b) {
        int x = switch ((short) b) {
          case 1:
            yield a;
          case 2:
          case 3: {
            int t = a * 2;
            yield t + 1;
          }
          default:
            yield -a;
        };
        return x + 1;
      }

      // ------------------------------------------------ enums
      static Mode mode(int a) {
        return a < 0 ? Mode.SLOW : a == 0 ? Mode.OFF : Mode.FAST;
      }
      static int enums(int a, int b) {
        Mode m = mode(a);
        Mode n = mode(b);
        int r = switch (m) {
          case OFF -> 1;
          case SLOW -> 2;
          case FAST -> 3;
        };
        switch (n) {
          case FAST:
            r *= 10;
            break;
          default:
            r *= 100;
        }
        return r + (m == n ? 1000 : 0) + (m != Mode.OFF ? m.ordinal() * 7 : 0) + Mode.FAST.ordinal();
      }

      // ------------------------------------------------ arrays
      static int arrays(int a, int b) {
        int[] xs = new int[6];
        xs[0] = a;
        xs[a & 3] += b;
        xs[(b & 1) + 4]++;
        xs[5] -= xs[1] * 3;
        return xs[0] ^ xs[1] ^ xs[2] ^ xs[3] + xs[4] * 5 + xs[5] + xs.length;
      }
      static int index(int a, int b) {
        long[] ls = {1L << 40, -5, 7};
        return (int) (ls[a] >>> 20) + ls.length;
      }
      static int narrowElements(int a, int b) {
        byte[] bs = new byte[3];
        short[] ss = {(short) 40000, 2};
        char[] cs = {'x', 'y'};
        boolean[] flags = new boolean[2];
        bs[b & 1] = (byte) a;
        bs[2] += 200;
        ss[1] *= (short) a;
        cs[0]++;
        flags[a & 1] = true;
        return bs[0] + bs[1] * 3 + bs[2] + ss[0] + ss[1] + cs[0] + cs[1] + (flags[1] ? 1 : 0);
      }
      static int store(int a, int b) {
        int[] xs = {1, 2, 3};
        xs[b] = a;
        return xs[0] + xs[1] * 10 + xs[2] * 100;
      }

      // ------------------------------------------------ control flow inside expressions
      static int pressure(int a, int b) {
        int x = a | 1;
        int y = b | 1;
        return a > 0
            ? (b > 0 ? x / y : y % x) + (a < b ? Math.max(x, y) / (y ^ 2 | 1) : 0)
            : x % y + square(x / y) - Integer.compareUnsigned(x, y) * Integer.rotateLeft(x, y);
      }
      static int labelledBlock(int a, int b) {
        int r = 0;
        done:
        {
          if (a > b) {
            r = 1;
            break done;
          }
          r = 2;
        }
        return r;
      }
      static int callInCondition(int a, int b) {
        int n = 0;
        for (int i = 0; i < 10 && square(i) < (a & 127); i++) {
          n += i;
        }
        return n;
      }
      static int switchInLoop(int a, int b) {
        int acc = 0;
        for (int i = 0; i < 12; i++) {
          switch ((a + i) & 3) {
            case 0:
              continue;
            case 1:
              acc += i;
              break;
            case 2:
              acc -= b;
            default:
              acc ^= i;
          }
          if (acc > 1000) {
            break;
          }
        }
        return acc;
      }
      static int switchInExpression(int a, int b) {
        return a * 3
            + switch (b & 3) {
              case 0 -> a / (b | 1);
              case 1 -> -a;
              default -> {
                int t = b;
                yield t * t;
              }
            }
            + square(a & 7);
      }
      static int deadLoop(int a, int b) {
        if (true) {
          return a;
        }
        for (int i = 0; i < 10; i++) {
          a++;
        }
        return a;
      }

      // ------------------------------------------------ calls
      static int square(int x) {
        return x * x;
      }
      static long widen(int x) {
        if (x < 0) {
          return -1;
        }
        return x;
      }
      static Pair swap(Pair p) {
        return new Pair(p.y(), p.x());
      }
      static int clamp(int x, int lo, int hi) {
        return Math.max(lo, Math.min(x, hi));
      }
      static void nothing(int x) {
        if (x > 0) {
          return;
        }
      }
      static int calls(int a, int b) {
        Pair p = swap(new Pair(a, b));
        nothing(a);
        return square(p.x() & 0xFF) + (int) widen(b) + clamp(a, -5, 5) + square(square(2));
      }
      """;

  private static final String SOURCE =
      """
      package sem;

      import io.sockmap4j.*;

      final class Ops {
        enum Mode { OFF, SLOW, FAST }

        record Pair(int x, int y) {}

      %s
      %s
        @SockMap(maxEntries = 1)
        static SocketMap verdictMap;

        @SkSkbVerdict(map = "verdictMap")
        static Verdict verdict(SkBuff skb) {
          return skb.cb(0) / skb.cb(1) > 0 ? Verdict.PASS : Verdict.PASS;
        }
      }
      """;

  private static final Pattern SIGNATURE =
      Pattern.compile("static (int|long) (\\w+)\\((int|long) a, (int|long) b\\)");

  private static final byte[] FRAME = new byte[14];

  private static Compilation compilation;

  @KernelTest
  void everyMethodComputesWhatJavaComputes() throws Exception {
    Compilation c = compile();
    Class<?> ops = new CompiledClasses(c).loadClass("sem.Ops");
    List<String> mismatches = new ArrayList<>();
    int runs = 0;
    try (BpfObject object = loadAsSchedCls(c)) {
      Matcher m = SIGNATURE.matcher(METHODS);
      while (m.find()) {
        boolean wide = m.group(3).equals("long");
        Method java = ops.getDeclaredMethod(m.group(2), type(m.group(3)), type(m.group(4)));
        java.setAccessible(true);
        for (long a : wide ? LONGS : widen(INTS)) {
          for (long b : wide ? LONGS : widen(INTS)) {
            runs++;
            int expected = expected(java, a, b, m.group(1).equals("long"));
            int actual = object.testRun("p_" + m.group(2), FRAME, context(a, b, wide)).retval();
            if (expected != actual) {
              mismatches.add(
                  String.format(
                      Locale.ROOT,
                      "%s(%d, %d): java %d, kernel %d",
                      m.group(2),
                      a,
                      b,
                      expected,
                      actual));
            }
          }
        }
      }
    }
    assertTrue(runs > 10_000, "only " + runs + " runs");
    if (!mismatches.isEmpty()) {
      fail(
          mismatches.size()
              + " mismatches, first 40:\n"
              + String.join("\n", mismatches.subList(0, Math.min(40, mismatches.size()))));
    }
  }

  @KernelTest
  void aVerdictProgramDropsWhereJavaWouldThrow() {
    try (BpfObject object = loadAsSchedCls(compile())) {
      assertEquals(1, object.testRun("verdict", FRAME, context(7, 2, false)).retval());
      assertEquals(1, object.testRun("verdict", FRAME, context(0, -1, false)).retval());
      assertEquals(0, object.testRun("verdict", FRAME, context(7, 0, false)).retval());
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** The parser's expected result: Java's, folded to 32 bits, or -1 where Java throws. */
  private static int expected(Method java, long a, long b, boolean longResult) throws Exception {
    Object[] args =
        java.getParameterTypes()[0] == long.class
            ? new Object[] {a, b}
            : new Object[] {(int) a, (int) b};
    try {
      Object r = java.invoke(null, args);
      if (longResult) {
        long v = (Long) r;
        return (int) (v ^ (v >>> 32));
      }
      return (Integer) r;
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof ArithmeticException
          || e.getCause() instanceof ArrayIndexOutOfBoundsException) {
        return -1;
      }
      throw e;
    }
  }

  private static synchronized Compilation compile() {
    if (compilation == null) {
      String source = SOURCE.formatted(METHODS.indent(2), parsers());
      Compilation c =
          Compiler.javac()
              .withProcessors(new SockmapProcessor())
              .compile(JavaFileObjects.forSourceString("sem.Ops", source));
      if (c.status() != Compilation.Status.SUCCESS) {
        fail("does not compile: " + c.errors() + "\n" + source);
      }
      compilation = c;
    }
    return compilation;
  }

  /** A parser per method, on a map of its own, calling it with the control buffer's words. */
  private static String parsers() {
    StringBuilder s = new StringBuilder();
    Matcher m = SIGNATURE.matcher(METHODS);
    while (m.find()) {
      String name = m.group(2);
      boolean wide = m.group(3).equals("long");
      String a = wide ? "((long) skb.cb(0) << 32 | skb.cb(1) & 0xFFFF_FFFFL)" : "skb.cb(0)";
      String b = wide ? "((long) skb.cb(2) << 32 | skb.cb(3) & 0xFFFF_FFFFL)" : "skb.cb(1)";
      String call = name + "(" + a + ", " + b + ")";
      String ret =
          m.group(1).equals("long")
              ? "long r = " + call + ";\n    return (int) (r ^ r >>> 32);"
              : "return " + call + ";";
      s.append(
          """
            @SockMap(maxEntries = 1)
            static SocketMap m_%1$s;

            @SkSkbParser(map = "m_%1$s")
            static int p_%1$s(SkBuff skb) {
              %2$s
            }

          """
              .formatted(name, ret));
    }
    return s.toString();
  }

  /** A {@code struct __sk_buff} with the arguments in {@code cb[0..3]}. */
  private static byte[] context(long a, long b, boolean wide) {
    ByteBuffer ctx = ByteBuffer.allocate(80).order(ByteOrder.nativeOrder());
    if (wide) {
      ctx.putInt(48, (int) (a >>> 32)).putInt(52, (int) a);
      ctx.putInt(56, (int) (b >>> 32)).putInt(60, (int) b);
    } else {
      ctx.putInt(48, (int) a).putInt(52, (int) b);
    }
    return ctx.array();
  }

  /** Loads the programs as SCHED_CLS, unattached, without the maps they never use. */
  private static BpfObject loadAsSchedCls(Compilation c) {
    ObjectSpec spec;
    JavaFileObject object =
        c.generatedFile(StandardLocation.CLASS_OUTPUT, "sem", "Ops.sockmap4j").orElseThrow();
    try (InputStream in = object.openInputStream()) {
      spec = ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ProgramSpec> programs = new ArrayList<>();
    for (ProgramSpec p : spec.programs()) {
      programs.add(
          new ProgramSpec(
              p.name(),
              3, // SCHED_CLS
              0,
              0,
              ProgramSpec.NOT_ATTACHED,
              p.sourceFile(),
              p.insns(),
              List.of(),
              p.lines()));
    }
    try {
      return BpfObject.load(new ObjectSpec(spec.license(), List.of(), programs));
    } catch (VerifierException e) {
      throw new AssertionError(e.getMessage() + "\n" + e.verifierLog(), e);
    }
  }

  private static long[] widen(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static Class<?> type(String name) {
    return name.equals("long") ? long.class : int.class;
  }

  /** Defines the classes of a compile-testing compilation from their bytes. */
  private static final class CompiledClasses extends ClassLoader {
    private final Compilation compilation;

    CompiledClasses(Compilation compilation) {
      super(LanguageSemanticsTest.class.getClassLoader());
      this.compilation = compilation;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      JavaFileObject file =
          compilation
              .generatedFile(StandardLocation.CLASS_OUTPUT, name.replace('.', '/') + ".class")
              .orElseThrow(() -> new ClassNotFoundException(name));
      try (InputStream in = file.openInputStream()) {
        byte[] bytes = in.readAllBytes();
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new ClassNotFoundException(name, e);
      }
    }
  }
}
