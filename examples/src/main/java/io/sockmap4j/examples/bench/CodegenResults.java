package io.sockmap4j.examples.bench;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The code-generation benchmark's results ({@code bench/codegen/run.sh --out=DIR}: {@code
 * results.json} and {@code compile-time.json}), folded into this run's table so that one command
 * prints every ratio: sockmap4j's instruction count and the verifier's processed instructions
 * against clang -O2 on the same programs, and the processor's compile time per program.
 */
final class CodegenResults {
  static final String CLANG = "clang -O2";
  static final String OURS = "sockmap4j";
  static final String INSNS = "codegen insns";
  static final String VERIFIED = "codegen verified";
  static final String COMPILE = "compile";

  /** The goal of the compile-time benchmark: processor cost per program after javac warm-up. */
  static final double COMPILE_GOAL_MS = 10;

  // The shapes of the two files, as bench/codegen's harness writes them (Gson fills the fields).
  record Counts(int insns, int verified) {}

  record Program(String name, Counts ours, Counts clang) {}

  record Codegen(String clang, String commit, List<Program> programs) {}

  record Source(String label, int programs, double noneMs, double withMs, double processMs) {}

  record CompileTime(int warmup, int runs, List<Source> sources) {}

  private CodegenResults() {}

  /**
   * Adds the rows and notes of {@code dir}'s results to {@code report}.
   *
   * @throws IOException naming the file if one is missing or not in the harness's format
   */
  static void addTo(Report report, Path dir) throws IOException {
    Codegen codegen = read(dir.resolve("results.json"), Codegen.class);
    if (codegen.programs() == null || codegen.programs().isEmpty()) {
      throw new IOException(dir.resolve("results.json") + " lists no programs");
    }
    List<Program> programs = codegen.programs();
    report.add(total(INSNS, CLANG, programs, p -> p.clang().insns()));
    report.add(total(INSNS, OURS, programs, p -> p.ours().insns()));
    report.add(total(VERIFIED, CLANG, programs, p -> p.clang().verified()));
    report.add(total(VERIFIED, OURS, programs, p -> p.ours().verified()));
    report.note(
        String.format(
            Locale.ROOT,
            "codegen: %d programs (%s; bench/codegen, compiled by %s); geometric mean of the"
                + " per-program ratios: insns %.3fx, verified %.3fx; above clang: %s",
            programs.size(),
            codegen.commit(),
            codegen.clang(),
            geomean(programs, p -> (double) p.ours().insns() / p.clang().insns()),
            geomean(programs, p -> (double) p.ours().verified() / p.clang().verified()),
            above(programs)));

    Path compileFile = dir.resolve("compile-time.json");
    if (!Files.exists(compileFile)) {
      report.note("compile time: not measured (no " + compileFile + ")");
      return;
    }
    CompileTime compile = read(compileFile, CompileTime.class);
    List<Double> perProgram = new ArrayList<>();
    double cost = 0;
    int count = 0;
    for (Source source : compile.sources()) {
      perProgram.add((source.withMs() - source.noneMs()) / source.programs());
      cost += source.withMs() - source.noneMs();
      count += source.programs();
    }
    report.add(
        new Row(COMPILE, 0, 0, "processor cost", "ms/program", perProgram, List.of(), null, false));
    report.note(
        String.format(
            Locale.ROOT,
            "compile: javac with the processor minus javac -proc:none, thread CPU time, median of"
                + " %d runs after %d warm-up rounds, per source over its programs; all %d"
                + " programs: %.2f ms each",
            compile.runs(),
            compile.warmup(),
            count,
            cost / count));
  }

  private interface Field {
    double of(Program program);
  }

  private static Row total(String workload, String variant, List<Program> programs, Field field) {
    double sum = programs.stream().mapToDouble(field::of).sum();
    return new Row(workload, 0, 0, variant, "insns", List.of(sum), List.of(), CLANG, false);
  }

  private static double geomean(List<Program> programs, Field ratio) {
    return Math.exp(programs.stream().mapToDouble(p -> Math.log(ratio.of(p))).average().orElse(0));
  }

  private static String above(List<Program> programs) {
    List<String> names = new ArrayList<>();
    for (Program p : programs) {
      if (p.ours().insns() > p.clang().insns() || p.ours().verified() > p.clang().verified()) {
        names.add(
            String.format(
                "%s (%d/%d insns, %d/%d verified)",
                p.name(),
                p.ours().insns(),
                p.clang().insns(),
                p.ours().verified(),
                p.clang().verified()));
      }
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  private static <T> T read(Path file, Class<T> type) throws IOException {
    try {
      T value = new Gson().fromJson(Files.readString(file), type);
      if (value == null) {
        throw new IOException(file + " is empty");
      }
      return value;
    } catch (JsonParseException e) {
      throw new IOException(
          file + " is not a bench/codegen result (rerun bench/codegen/run.sh): " + e.getMessage(),
          e);
    }
  }
}
