package io.sockmap4j.bench.harness;

import io.sockmap4j.runtime.ObjectSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.processing.Processor;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The processor's compile-time cost: javac run in this JVM (so that JVM start-up and JIT warm-up
 * are paid once, as in a Maven or Gradle daemon build), on each source alone, with {@code
 * -proc:none} and with the sockmap4j processor. Then the same on generated programs of growing
 * size, to check that the cost grows linearly.
 *
 * <p>Three times per compilation: {@code none} (javac with {@code -proc:none}), {@code with} (javac
 * with the processor: its own work plus the extra round and compiling the generated Loader), and
 * {@code process} (the time inside the processor's {@code init}/{@code process} only). Each is the
 * median of the measured runs, after warm-up runs that are thrown away.
 *
 * <p>Times are the CPU time of the compiling thread (javac and the processor run on the thread that
 * calls the task), not wall time: a benchmark machine shared with builds descheduled the compiler
 * often enough to bend the growth curve, and CPU time ignores that. Work javac does on other
 * threads (JIT compilation, concurrent GC) is not counted; after warm-up it is small.
 *
 * <p>Usage: {@code CompileTime --processor-path P --classpath C --work DIR --json FILE [--warmup N]
 * [--runs N] [--sizes 10,20,...] Source.java...}
 */
public final class CompileTime {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static final Pattern PACKAGE =
      Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  /** One compilation unit to measure. */
  record Input(String label, String packageName, String className, JavaFileObject file) {}

  /** Medians in milliseconds, and what the processor produced. */
  record Result(String label, int programs, int insns, double none, double with, double process) {
    double cost() {
      return with - none;
    }
  }

  private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
  private final StandardJavaFileManager files = javac.getStandardFileManager(null, null, null);
  private final Class<? extends Processor> processorClass;
  private final String classpath;
  private final Path work;

  private CompileTime(Class<? extends Processor> processorClass, String classpath, Path work) {
    this.processorClass = processorClass;
    this.classpath = classpath;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    String processorPath = null;
    String classpath = null;
    Path work = null;
    Path json = null;
    int warmup = 8;
    int runs = 10;
    int[] sizes = {10, 20, 40, 80, 160, 320};
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--processor-path" -> processorPath = args[++i];
        case "--classpath" -> classpath = args[++i];
        case "--work" -> work = Path.of(args[++i]);
        case "--json" -> json = Path.of(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--sizes" ->
            sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        default -> sources.add(Path.of(args[i]));
      }
    }
    if (processorPath == null || classpath == null || work == null || json == null) {
      System.err.println(
          "usage: CompileTime --processor-path P --classpath C --work DIR --json FILE"
              + " [--warmup N] [--runs N] [--sizes 10,20,...] Source.java...");
      System.exit(2);
    }
    CompileTime bench = new CompileTime(loadProcessor(processorPath), classpath, work);

    List<Input> programs = new ArrayList<>();
    for (Path source : sources) {
      programs.add(bench.input(source));
    }
    List<Input> synthetic = new ArrayList<>();
    for (int size : sizes) {
      synthetic.add(
          new Input(
              Integer.toString(size),
              "io.sockmap4j.bench.synth",
              SyntheticProgram.className(size),
              SyntheticProgram.fileObject(size)));
    }
    List<Input> all = new ArrayList<>(programs);
    all.addAll(synthetic);

    long start = System.nanoTime();
    for (int round = 0; round < warmup; round++) {
      for (Input input : all) {
        bench.compile(input, false);
        bench.compile(input, true);
      }
    }
    List<Result> programResults = bench.measure(programs, runs);
    List<Result> sizeResults = bench.measure(synthetic, runs);
    double seconds = (System.nanoTime() - start) / 1e9;

    String report = report(programResults, sizeResults, sizes, warmup, runs, seconds);
    System.out.print(report);
    Files.writeString(json, json(programResults, sizeResults, warmup, runs));
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends Processor> loadProcessor(String path) throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    ClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), CompileTime.class.getClassLoader());
    try (InputStream in =
        loader.getResourceAsStream("META-INF/services/javax.annotation.processing.Processor")) {
      if (in == null) {
        throw new IllegalArgumentException("no processor service file on " + path);
      }
      String name = new String(in.readAllBytes()).strip().lines().findFirst().orElseThrow();
      return (Class<? extends Processor>) Class.forName(name, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("processor class not found on " + path, e);
    }
  }

  private Input input(Path source) throws IOException {
    String text = Files.readString(source);
    Matcher matcher = PACKAGE.matcher(text);
    String packageName = matcher.find() ? matcher.group(1) : "";
    String className = source.getFileName().toString().replace(".java", "");
    JavaFileObject file = files.getJavaFileObjects(source.toFile()).iterator().next();
    return new Input(className, packageName, className, file);
  }

  private List<Result> measure(List<Input> inputs, int runs) throws Exception {
    int n = inputs.size();
    double[][] none = new double[n][runs];
    double[][] with = new double[n][runs];
    double[][] process = new double[n][runs];
    // Rounds over all inputs, the two modes interleaved, so that drift affects both alike.
    for (int run = 0; run < runs; run++) {
      for (int i = 0; i < n; i++) {
        none[i][run] = compile(inputs.get(i), false)[0];
        double[] withProcessor = compile(inputs.get(i), true);
        with[i][run] = withProcessor[0];
        process[i][run] = withProcessor[1];
      }
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Input input = inputs.get(i);
      ObjectSpec spec = readObject(input);
      results.add(
          new Result(
              input.label(),
              spec.programs().size(),
              spec.programs().stream().mapToInt(ObjectSpec.ProgramSpec::slotCount).sum(),
              median(none[i]),
              median(with[i]),
              median(process[i])));
    }
    return results;
  }

  /** Compiles {@code input} alone; returns {total ms, ms inside the processor}. */
  private double[] compile(Input input, boolean withProcessor) throws IOException {
    Path out = work.resolve(withProcessor ? "with" : "none");
    Path classes = out.resolve("classes");
    Path generated = out.resolve("generated");
    Files.createDirectories(classes);
    Files.createDirectories(generated);
    List<String> options = new ArrayList<>();
    options.addAll(List.of("-d", classes.toString(), "-s", generated.toString()));
    options.addAll(List.of("-classpath", classpath, "-nowarn", "-Xlint:none"));
    if (!withProcessor) {
      options.add("-proc:none");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaCompiler.CompilationTask task =
        javac.getTask(null, files, diagnostics, options, null, List.of(input.file()));
    TimedProcessor timed = null;
    if (withProcessor) {
      timed = new TimedProcessor(newProcessor());
      task.setProcessors(List.of(timed));
    }
    long start = cpuNanos();
    boolean ok = task.call();
    long elapsed = cpuNanos() - start;
    if (!ok) {
      throw new IllegalStateException(
          "javac failed on " + input.label() + ": " + diagnostics.getDiagnostics());
    }
    return new double[] {elapsed / 1e6, timed == null ? 0 : timed.nanos() / 1e6};
  }

  /** The CPU time of the current thread, in nanoseconds. */
  static long cpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  private Processor newProcessor() {
    try {
      return processorClass.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate " + processorClass, e);
    }
  }

  private ObjectSpec readObject(Input input) throws IOException {
    Path dir = work.resolve("with").resolve("classes");
    if (!input.packageName().isEmpty()) {
      dir = dir.resolve(input.packageName().replace('.', '/'));
    }
    try (InputStream in = Files.newInputStream(dir.resolve(input.className() + ".sockmap4j"))) {
      return ObjectSpec.read(in);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Least squares y = a + b x; returns {a, b, r squared}. */
  static double[] fit(double[] x, double[] y) {
    int n = x.length;
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    double b = sxy / sxx;
    return new double[] {my - b * mx, b, syy == 0 ? 1 : sxy * sxy / (sxx * syy)};
  }

  private static String report(
      List<Result> programs,
      List<Result> sizes,
      int[] statementCounts,
      int warmup,
      int runs,
      double seconds) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "compile time: javac in-process, thread CPU time, median of %d runs after %d warm-up"
                + " rounds (%.0f s)%n%n",
            runs,
            warmup,
            seconds));
    String format = "%-12s %8s %6s %11s %13s %10s %13s%n";
    out.append(
        String.format(
            format,
            "source",
            "programs",
            "insns",
            "-proc:none",
            "+processor",
            "cost",
            "in process()"));
    out.append("-".repeat(80)).append('\n');
    for (Result r : programs) {
      out.append(
          String.format(
              format,
              r.label(),
              r.programs(),
              r.insns(),
              ms(r.none()),
              ms(r.with()),
              ms(r.cost()),
              ms(r.process())));
    }
    out.append("-".repeat(80)).append('\n');
    double totalNone = programs.stream().mapToDouble(Result::none).sum();
    double totalWith = programs.stream().mapToDouble(Result::with).sum();
    double totalProcess = programs.stream().mapToDouble(Result::process).sum();
    int totalPrograms = programs.stream().mapToInt(Result::programs).sum();
    out.append(
        String.format(
            format,
            "all",
            totalPrograms,
            "",
            ms(totalNone),
            ms(totalWith),
            ms(totalWith - totalNone),
            ms(totalProcess)));
    out.append(
        String.format(
            Locale.ROOT,
            "per program: %.2f ms processor cost, %.2f ms of it inside process()%n%n",
            (totalWith - totalNone) / totalPrograms,
            totalProcess / totalPrograms));

    String sizeFormat = "%-10s %6s %11s %13s %10s %13s %15s%n";
    out.append("growth: one verdict with N arithmetic statements (SyntheticProgram)\n");
    out.append(
        String.format(
            sizeFormat,
            "statements",
            "insns",
            "-proc:none",
            "+processor",
            "cost",
            "in process()",
            "marginal/stmt"));
    out.append("-".repeat(88)).append('\n');
    int n = sizes.size();
    double[] x = new double[n];
    double[] process = new double[n];
    double[] cost = new double[n];
    for (int i = 0; i < n; i++) {
      Result r = sizes.get(i);
      x[i] = statementCounts[i];
      process[i] = r.process();
      cost[i] = r.cost();
      // The processor time each statement added since the previous size: constant if linear.
      String marginal =
          i == 0
              ? ""
              : String.format(
                  Locale.ROOT, "%.1f us", 1000 * (process[i] - process[i - 1]) / (x[i] - x[i - 1]));
      out.append(
          String.format(
              Locale.ROOT,
              sizeFormat,
              r.label(),
              r.insns(),
              ms(r.none()),
              ms(r.with()),
              ms(r.cost()),
              ms(r.process()),
              marginal));
    }
    double[] processFit = fit(x, process);
    double[] costFit = fit(x, cost);
    out.append(
        String.format(
            Locale.ROOT,
            "linear fit, in process(): %.2f ms + %.1f us/statement, R^2 = %.4f%n",
            processFit[0],
            1000 * processFit[1],
            processFit[2]));
    out.append(
        String.format(
            Locale.ROOT,
            "linear fit, javac cost:   %.2f ms + %.1f us/statement, R^2 = %.4f%n",
            costFit[0],
            1000 * costFit[1],
            costFit[2]));
    // Curvature: a quadratic pass would make the slope over the large sizes several times the
    // slope over the small ones (x8 from the lower to the upper half of 10..640).
    int half = n / 2;
    double low =
        fit(Arrays.copyOfRange(x, 0, half + 1), Arrays.copyOfRange(process, 0, half + 1))[1];
    double high = fit(Arrays.copyOfRange(x, half, n), Arrays.copyOfRange(process, half, n))[1];
    out.append(
        String.format(
            Locale.ROOT,
            "slope in process(): %.1f us/statement for %d..%d statements, %.1f for %d..%d"
                + " (x%.2f)%n",
            1000 * low,
            statementCounts[0],
            statementCounts[half],
            1000 * high,
            statementCounts[half],
            statementCounts[n - 1],
            high / low));
    String verdict;
    if (processFit[2] >= 0.98 && low > 0 && high / low < 2) {
      verdict =
          "OK (R^2 >= 0.98, and the slope over large sizes is < 2x the slope over small ones)";
    } else if (low <= 0) {
      verdict = "INCONCLUSIVE: the small sizes are dominated by noise; rerun on a quieter machine";
    } else {
      verdict = "NOT LINEAR: look for processor work that grows faster than the body";
    }
    out.append("linearity: ").append(verdict).append('\n');
    return out.toString();
  }

  private static String ms(double value) {
    return String.format(Locale.ROOT, "%.2f ms", value);
  }

  private static String json(List<Result> programs, List<Result> sizes, int warmup, int runs) {
    StringBuilder json = new StringBuilder("{\n");
    json.append("  \"warmup\": ").append(warmup).append(", \"runs\": ").append(runs).append(",\n");
    json.append("  \"sources\": [\n").append(rows(programs)).append("  ],\n");
    json.append("  \"growth\": [\n").append(rows(sizes)).append("  ]\n}\n");
    return json.toString();
  }

  private static String rows(List<Result> results) {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      rows.append(
          String.format(
              Locale.ROOT,
              "    {\"label\": \"%s\", \"programs\": %d, \"insns\": %d, \"noneMs\": %.3f,"
                  + " \"withMs\": %.3f, \"processMs\": %.3f}%s%n",
              r.label(),
              r.programs(),
              r.insns(),
              r.none(),
              r.with(),
              r.process(),
              i + 1 < results.size() ? "," : ""));
    }
    return rows.toString();
  }
}
