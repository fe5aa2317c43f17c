package io.sockmap4j.processor.semantics;

import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.VerifierException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs cases both ways and compares: compiles one class holding every case as a plain Java method
 * and as parser programs, runs the Java methods in this JVM, loads the programs into the kernel as
 * SCHED_CLS (the kernel cannot test-run SK_SKB programs) and test-runs them on the same inputs.
 *
 * <p>Compiling is the slow part, so many cases share one class: per case {@code N}, the class has
 * {@code java_N} (the twin), {@code lo_N} and, for a long result, {@code hi_N}, each parser on a
 * map of its own because a map holds one parser. The maps are dropped when the object is rewritten
 * for SCHED_CLS: no program refers to them.
 */
final class DifferentialRunner {

  /** What a parser returns when its program faults (a division by zero, once supported). */
  static final int FAULT = -1;

  private static final String PACKAGE = "diff";
  private static final int SCHED_CLS = 3;

  /** A zeroed Ethernet header: the smallest packet SCHED_CLS test runs accept. */
  private static final byte[] FRAME = new byte[14];

  /** One disagreement between the JVM and the kernel. */
  record Mismatch(Case kase, Inputs inputs, String expected, String actual, String listing) {

    String report() {
      return "MISMATCH in "
          + kase.label()
          + " ("
          + kase.type()
          + " result)\n  inputs: "
          + inputs
          + "\n  java:   "
          + expected
          + "\n  kernel: "
          + actual
          + "\n  body (java twin):\n"
          + kase.javaSource().indent(2)
          + "  kernel listing:\n"
          + listing.indent(4);
    }
  }

  /** The result of one batch, with where its time went. */
  record Outcome(
      int comparisons, int faults, List<Mismatch> mismatches, long compileNanos, long kernelNanos) {
    String report() {
      return mismatches.stream().map(Mismatch::report).collect(Collectors.joining("\n"));
    }
  }

  private DifferentialRunner() {}

  /**
   * Compiles {@code cases} into class {@code diff.<className>}, runs each on every vector of {@code
   * inputs} in the JVM and in the kernel, and returns the disagreements.
   *
   * @throws AssertionError if the class does not compile or the verifier rejects a program: both
   *     are failures of the test too (a generator or compiler bug), reported with the source
   */
  static Outcome run(String className, List<Case> cases, List<Inputs> inputs) {
    return run(className, "", cases, inputs);
  }

  /**
   * Like {@link #run(String, List, List)}, with extra {@code members} in the class: the helper
   * methods the cases call.
   */
  static Outcome run(String className, String members, List<Case> cases, List<Inputs> inputs) {
    long start = System.nanoTime();
    String source = source(className, members, cases);
    InMemoryJavac.Result compilation = InMemoryJavac.compile(PACKAGE + "." + className, source);
    if (!compilation.succeeded()) {
      throw new AssertionError(
          (compilation.completed()
                  ? "the generated class does not compile:\n"
                  : "javac itself crashed (a JDK bug, not a sockmap4j one: make the generator avoid"
                      + " the construct):\n")
              + compilation.errors()
              + "\nsource:\n"
              + numbered(source));
    }
    Class<?> twin = new CompiledClasses(compilation).load(PACKAGE + "." + className);
    String listing =
        new String(generated(compilation, className + ".sockmap4j.txt"), StandardCharsets.UTF_8);
    long compiled = System.nanoTime();
    List<Mismatch> mismatches = new ArrayList<>();
    int comparisons = 0;
    int faults = 0;
    try (BpfObject object = load(compilation, className, listing)) {
      for (int i = 0; i < cases.size(); i++) {
        Case kase = cases.get(i);
        Method twinMethod = javaMethod(twin, i);
        for (Inputs in : inputs) {
          comparisons++;
          Long expected = invoke(twinMethod, in);
          if (expected == null) {
            faults++;
          }
          compare(object, kase, i, expected, in, listing).ifPresent(mismatches::add);
        }
      }
    }
    return new Outcome(
        comparisons, faults, mismatches, compiled - start, System.nanoTime() - compiled);
  }

  /** Runs case {@code index} in the kernel and compares with {@code expected} (null: a fault). */
  private static Optional<Mismatch> compare(
      BpfObject object, Case kase, int index, Long expected, Inputs in, String listing) {
    byte[] context = in.context();
    int low = object.testRun("lo_" + index, FRAME, context).retval();
    Integer high = kase.needsHigh() ? object.testRun("hi_" + index, FRAME, context).retval() : null;
    int expectedLow = expected == null ? FAULT : (int) (long) expected;
    Integer expectedHigh =
        kase.needsHigh() ? (expected == null ? FAULT : (int) (expected >>> 32)) : null;
    if (low == expectedLow && Objects.equals(high, expectedHigh)) {
      return Optional.empty();
    }
    String actual =
        kase.needsHigh()
            ? "hi "
                + hex(high)
                + " lo "
                + hex(low)
                + " = "
                + ((long) high << 32 | (low & 0xFFFF_FFFFL))
            : low + " (" + hex(low) + ")";
    String wanted =
        expected == null
            ? "an exception, so the parser's fault value " + FAULT
            : kase.needsHigh()
                ? "hi " + hex(expectedHigh) + " lo " + hex(expectedLow) + " = " + expected
                : expectedLow + " (" + hex(expectedLow) + ")";
    String programs = section(listing, "lo_" + index);
    if (kase.needsHigh()) {
      programs += section(listing, "hi_" + index);
    }
    return Optional.of(new Mismatch(kase, in, wanted, actual, programs));
  }

  /**
   * The twin's value, or null where Java throws and the program faults: ArithmeticException (a zero
   * divisor, an exact-arithmetic overflow), ArrayIndexOutOfBoundsException.
   */
  private static Long invoke(Method twin, Inputs in) {
    try {
      return (Long) twin.invoke(null, in.a(), in.b(), in.c(), in.d());
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof ArithmeticException
          || e.getCause() instanceof IndexOutOfBoundsException) {
        return null;
      }
      throw new AssertionError("the Java twin " + twin.getName() + " threw", e.getCause());
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static Method javaMethod(Class<?> twin, int index) {
    try {
      Method m =
          twin.getDeclaredMethod("java_" + index, long.class, long.class, int.class, int.class);
      m.setAccessible(true);
      return m;
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  /** Loads the programs as SCHED_CLS, unattached, without the maps they never use. */
  private static BpfObject load(
      InMemoryJavac.Result compilation, String className, String listing) {
    ObjectSpec spec;
    try (InputStream in =
        new ByteArrayInputStream(generated(compilation, className + ".sockmap4j"))) {
      spec = ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ProgramSpec> programs = new ArrayList<>();
    for (ProgramSpec p : spec.programs()) {
      if (!p.relocations().isEmpty()) {
        throw new AssertionError("program " + p.name() + " refers to a map: " + p.relocations());
      }
      programs.add(
          new ProgramSpec(
              p.name(),
              SCHED_CLS,
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
      throw new AssertionError(
          "the verifier rejected code the processor accepted: "
              + e.getMessage()
              + "\n\nverifier log (end):\n"
              + tail(e.verifierLog(), 60)
              + "\n\nlisting:\n"
              + listing,
          e);
    }
  }

  /** The Java source of the batch class. */
  static String source(String className, String members, List<Case> cases) {
    StringBuilder s = new StringBuilder();
    s.append("package ").append(PACKAGE).append(";\n\n");
    s.append("import io.sockmap4j.SkBuff;\n");
    s.append("import io.sockmap4j.SkSkbParser;\n");
    s.append("import io.sockmap4j.SockMap;\n");
    s.append("import io.sockmap4j.SocketMap;\n\n");
    s.append("final class ").append(className).append(" {\n");
    s.append(Literals.declarations());
    s.append(members);
    String bindings = Inputs.bindings(Features.toUnsignedLong());
    for (int i = 0; i < cases.size(); i++) {
      Case kase = cases.get(i);
      s.append("\n  // ").append(kase.label()).append('\n');
      s.append("  static long java_")
          .append(i)
          .append("(long a, long b, int c, int d) {\n")
          .append(kase.body().apply(Returns.JAVA))
          .append("  }\n");
      parser(s, "lo_" + i, bindings, kase.body().apply(Returns.LOW));
      if (kase.needsHigh()) {
        parser(s, "hi_" + i, bindings, kase.body().apply(Returns.HIGH));
      }
    }
    return s.append("}\n").toString();
  }

  private static void parser(StringBuilder s, String name, String bindings, String body) {
    s.append("\n  @SockMap(maxEntries = 1)\n  static SocketMap m_").append(name).append(";\n\n");
    s.append("  @SkSkbParser(map = \"m_").append(name).append("\")\n");
    s.append("  static int ").append(name).append("(SkBuff skb) {\n");
    s.append(bindings).append(body).append("  }\n");
  }

  /** The listing of one program: its {@code program name:} section of the class listing. */
  static String section(String listing, String program) {
    StringBuilder out = new StringBuilder();
    boolean inside = false;
    for (String line : listing.lines().toList()) {
      if (line.startsWith("program ")) {
        inside = line.startsWith("program " + program + ":");
      }
      if (inside) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static byte[] generated(InMemoryJavac.Result compilation, String name) {
    return compilation
        .output(PACKAGE + "/" + name)
        .orElseThrow(() -> new AssertionError("no resource " + PACKAGE + "/" + name));
  }

  private static String numbered(String source) {
    List<String> lines = source.lines().toList();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      out.append(String.format(Locale.ROOT, "%5d  %s%n", i + 1, lines.get(i)));
    }
    return out.toString();
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static String hex(Integer v) {
    return String.format(Locale.ROOT, "0x%08x", v);
  }

  /** Defines the classes of a compilation from their bytes. */
  private static final class CompiledClasses extends ClassLoader {
    private final InMemoryJavac.Result compilation;

    CompiledClasses(InMemoryJavac.Result compilation) {
      super(DifferentialRunner.class.getClassLoader());
      this.compilation = compilation;
    }

    Class<?> load(String name) {
      try {
        return loadClass(name);
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes =
          compilation
              .output(name.replace('.', '/') + ".class")
              .orElseThrow(() -> new ClassNotFoundException(name));
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
