package io.sockmap4j.bench.harness;

import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the sockmap4j objects, reads the verifier's counts for them and for the clang programs that
 * {@code run.sh} loaded with bpftool, and prints one comparison table (and writes it as JSON).
 *
 * <p>Usage: {@code CodegenBench clang.tsv results.json ids.txt meta.tsv A.sockmap4j B.sockmap4j
 * ...}. {@code clang.tsv} has one line per clang program: {@code Class.function <TAB> slots <TAB>
 * program id}. The objects are loaded in argument order, and rows follow that order. {@code
 * ids.txt} receives the kernel ids of everything this process loaded ({@code prog N} / {@code map
 * N}), so that the script can check that they are gone afterwards. {@code meta.tsv} holds {@code
 * key <TAB> value} lines (kernel, clang version, flags, commit) copied into the JSON.
 */
public final class CodegenBench {

  /** One program measured both ways. */
  record Row(String name, int oursInsns, ProgInfo ours, int clangInsns, ProgInfo clang) {
    double insnRatio() {
      return (double) oursInsns / clangInsns;
    }

    double verifiedRatio() {
      return (double) ours.verifiedInsns() / clang.verifiedInsns();
    }
  }

  /** A clang program as run.sh found it: its slot count and the id bpftool loaded it under. */
  record ClangProgram(int insns, int id) {}

  private CodegenBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 5) {
      System.err.println(
          "usage: CodegenBench clang.tsv results.json ids.txt meta.tsv X.sockmap4j...");
      System.exit(2);
    }
    Map<String, ClangProgram> clang = readClang(Path.of(args[0]));
    Map<String, String> meta = readMeta(Path.of(args[3]));
    List<Row> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      Path objectFile = Path.of(args[i]);
      String className = objectFile.getFileName().toString().replace(".sockmap4j", "");
      ObjectSpec spec;
      try (InputStream in = Files.newInputStream(objectFile)) {
        spec = ObjectSpec.read(in);
      }
      try (BpfObject object = BpfObject.load(spec)) {
        object.programIds().forEach(id -> ids.add("prog " + id));
        object.mapIds().forEach(id -> ids.add("map " + id));
        for (ProgramSpec program : spec.programs()) {
          String name = className + "." + program.name();
          ClangProgram twin = clang.get(name);
          if (twin == null) {
            missing.add(name);
            continue;
          }
          ProgInfo ours = ProgInfo.of(object.programId(program.name()));
          rows.add(new Row(name, program.slotCount(), ours, twin.insns(), ProgInfo.of(twin.id())));
        }
      }
    }
    Files.write(Path.of(args[2]), ids);
    if (!missing.isEmpty()) {
      System.err.println("no C twin (function of the same name in c/<Class>.c) for " + missing);
      System.exit(1);
    }
    System.out.print(table(rows, meta));
    Files.writeString(Path.of(args[1]), json(rows, meta));
  }

  private static Map<String, ClangProgram> readClang(Path file) throws IOException {
    Map<String, ClangProgram> programs = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split("\t");
      if (f.length == 3) {
        programs.put(f[0], new ClangProgram(Integer.parseInt(f[1]), Integer.parseInt(f[2])));
      }
    }
    return programs;
  }

  private static Map<String, String> readMeta(Path file) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        meta.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return meta;
  }

  /** The geometric mean, the right mean for ratios: it treats 2x and 0.5x symmetrically. */
  static double geomean(List<Double> values) {
    return Math.exp(values.stream().mapToDouble(Math::log).average().orElse(0));
  }

  static String table(List<Row> rows, Map<String, String> meta) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    String format = "%-22s %10s %11s %6s %13s %14s %6s%n";
    out.printf(
        format,
        "program",
        "ours insns",
        "clang insns",
        "ratio",
        "ours verified",
        "clang verified",
        "ratio");
    out.println("-".repeat(90));
    int insnWins = 0;
    int verifiedWins = 0;
    for (Row row : rows) {
      out.printf(
          format,
          row.name(),
          row.oursInsns(),
          row.clangInsns(),
          ratio(row.insnRatio()),
          row.ours().verifiedInsns(),
          row.clang().verifiedInsns(),
          ratio(row.verifiedRatio()));
      insnWins += row.oursInsns() <= row.clangInsns() ? 1 : 0;
      verifiedWins += row.ours().verifiedInsns() <= row.clang().verifiedInsns() ? 1 : 0;
    }
    out.println("-".repeat(90));
    out.printf(
        format,
        "geometric mean",
        "",
        "",
        ratio(geomean(rows.stream().map(Row::insnRatio).toList())),
        "",
        "",
        ratio(geomean(rows.stream().map(Row::verifiedRatio).toList())));
    out.printf(
        format,
        "ours <= clang",
        "",
        "",
        insnWins + "/" + rows.size(),
        "",
        "",
        verifiedWins + "/" + rows.size());
    out.println();
    out.println("ratio = ours / clang (lower is better; the goal is <= 1.00 on every row)");
    out.println("insns = 8-byte instruction slots in the object (ld_imm64 counts 2)");
    out.println("verified = the verifier's processed-instruction count (verified_insns)");
    meta.forEach((key, value) -> out.printf("%-8s %s%n", key, value));
    out.flush();
    return text.toString();
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String ratio3(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  static String json(List<Row> rows, Map<String, String> meta) {
    StringBuilder json = new StringBuilder("{\n");
    meta.forEach(
        (key, value) ->
            json.append("  ").append(quote(key)).append(": ").append(quote(value)).append(",\n"));
    json.append("  \"programs\": [\n");
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      json.append("    {\"name\": ")
          .append(quote(row.name()))
          .append(", \"ours\": ")
          .append(counts(row.oursInsns(), row.ours()))
          .append(", \"clang\": ")
          .append(counts(row.clangInsns(), row.clang()))
          .append(", \"insnRatio\": ")
          .append(ratio3(row.insnRatio()))
          .append(", \"verifiedRatio\": ")
          .append(ratio3(row.verifiedRatio()))
          .append(i + 1 < rows.size() ? "},\n" : "}\n");
    }
    json.append("  ],\n  \"geomean\": {\"insnRatio\": ")
        .append(ratio3(geomean(rows.stream().map(Row::insnRatio).toList())))
        .append(", \"verifiedRatio\": ")
        .append(ratio3(geomean(rows.stream().map(Row::verifiedRatio).toList())))
        .append("}\n}\n");
    return json.toString();
  }

  private static String counts(int insns, ProgInfo info) {
    return String.format(
        Locale.ROOT,
        "{\"insns\": %d, \"verified\": %d, \"xlated\": %d}",
        insns,
        info.verifiedInsns(),
        info.xlatedInsns());
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
