package io.sockmap4j.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The results of one benchmark run: every row, each compared with its baseline measured in the same
 * run, as a text table, the goals (reported, never asserted), JSON, and an SVG chart.
 */
final class Report {
  /** A goal of the issue and whether this run met it; {@code unit} "x" for a ratio. */
  record Goal(String text, double value, boolean met, String unit) {
    Goal(String text, double value, boolean met) {
      this(text, value, met, "x");
    }

    String shown() {
      return unit.equals("x") ? ratioText(value) : number(value) + " " + unit;
    }
  }

  final String kernel;
  final int cores;
  final String mode;
  final int repeats;
  final String started;
  final List<Row> rows = new ArrayList<>();

  /** What the run left out and why, printed under the table. */
  final List<String> notes = new ArrayList<>();

  Report(String kernel, int cores, String mode, int repeats, String started) {
    this.kernel = kernel;
    this.cores = cores;
    this.mode = mode;
    this.repeats = repeats;
    this.started = started;
  }

  void add(Row row) {
    rows.add(row);
  }

  void note(String text) {
    notes.add(text);
  }

  String title() {
    return String.format(
        "sockmap4j data path, Linux %s, %d cores, %s mode, median of %d runs [min-max], %s",
        kernel, cores, mode, repeats, started);
  }

  /** The row of {@code variant} in {@code row}'s cell. */
  Optional<Row> find(Row row, String variant) {
    return rows.stream().filter(r -> r.sameCell(row) && r.variant().equals(variant)).findFirst();
  }

  /** {@code row}'s median over the median of {@code variant} in the same cell; NaN if absent. */
  double ratio(Row row, String variant) {
    return ratio(row, variant, r -> r.value().median());
  }

  private double ratio(Row row, String variant, ToDoubleFunction<Row> field) {
    if (variant == null) {
      return Double.NaN;
    }
    return find(row, variant)
        .map(base -> field.applyAsDouble(row) / field.applyAsDouble(base))
        .orElse(Double.NaN);
  }

  /** {@code row}'s median p99 over its baseline's. */
  double p99Ratio(Row row) {
    return p99Ratio(row, row.baseline());
  }

  /** {@code row}'s median p99 over {@code variant}'s in the same cell. */
  double p99Ratio(Row row, String variant) {
    return ratio(row, variant, r -> r.of(Measurement::p99Micros).median());
  }

  /**
   * Mean microseconds per insert of an {@code inserts} row: each round's time over its inserts,
   * median over the rounds.
   */
  static Stats microsPerInsert(Row row) {
    return Stats.of(row.values().stream().map(rate -> 1e6 / rate).toList());
  }

  // ---------------------------------------------------------------------------------- table

  String table() {
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "cell",
          "variant",
          "median",
          "unit",
          "min-max",
          "vs base",
          "vs direct",
          "p50 us",
          "p99 us",
          "p99.9 us",
          "cpu machine",
          "cpu proxy",
          "ctxt sw",
          "prog ns",
          "errors"
        });
    for (Row row : rows) {
      Stats v = row.value();
      boolean latency =
          !row.runs().isEmpty() && !Double.isNaN(row.of(Measurement::p50Micros).median());
      String cpuUnit = cpuUnit(row);
      lines.add(
          new String[] {
            row.cell(),
            row.variant(),
            number(v.median()),
            row.unit(),
            number(v.min()) + "-" + number(v.max()),
            row.variant().equals(row.baseline()) ? "base" : ratioText(ratio(row, row.baseline())),
            row.baseline() != null && row.baseline().equals("nio-proxy")
                ? ratioText(ratio(row, "direct"))
                : "",
            latency ? number(row.of(Measurement::p50Micros).median()) : "",
            latency ? number(row.of(Measurement::p99Micros).median()) : "",
            latency ? number(row.of(Measurement::p999Micros).median()) : "",
            row.runs().isEmpty() ? "" : number(row.of(Measurement::machineCpu).median()) + cpuUnit,
            row.runs().isEmpty() || Double.isNaN(row.of(Measurement::proxyCpu).median())
                ? ""
                : number(row.of(Measurement::proxyCpu).median()) + cpuUnit,
            row.runs().isEmpty() || Double.isNaN(row.of(Measurement::switches).median())
                ? ""
                : number(row.of(Measurement::switches).median())
                    + (row.workload().equals("bulk") ? " /GB" : " /op"),
            row.runs().isEmpty() || Double.isNaN(row.of(Measurement::programNanos).median())
                ? ""
                : number(row.of(Measurement::programNanos).median()),
            row.runs().isEmpty() ? "" : Long.toString(row.errors())
          });
    }
    int[] width = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder s = new StringBuilder(title()).append('\n');
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        boolean left = i <= 1 || i == 3;
        String cell = line[i];
        String pad = " ".repeat(width[i] - cell.length());
        s.append(left ? cell + pad : pad + cell).append(i + 1 < line.length ? "  " : "\n");
      }
    }
    s.append(
        "cpu: machine = all cores' busy time (/proc/stat), proxy = the proxy's JVM threads;"
            + " per transaction or connection in us (= s per million), per GB in s."
            + " ctxt sw: the machine's context switches (/proc/stat ctxt) per transaction,"
            + " connection or GB. prog ns: the kernel's mean time per run of the topology's"
            + " per-message BPF programs over the whole run (BPF_ENABLE_STATS).\n");
    for (Row row : rows) {
      if (row.workload().equals("inserts")) {
        s.append(
            String.format(
                "inserts %-37s %s us per insert (mean of a round, median of rounds)%n",
                row.variant(), number(microsPerInsert(row).median())));
      }
    }
    for (String note : notes) {
      s.append("note: ").append(note).append('\n');
    }
    for (Goal goal : goals()) {
      s.append(
          String.format(
              "goal %-4s %s: %s%n", goal.met() ? "met" : "MISSED", goal.text(), goal.shown()));
    }
    return s.toString();
  }

  static String cpuUnit(Row row) {
    return row.workload().equals("bulk") ? " s/GB" : " us/op";
  }

  // ---------------------------------------------------------------------------------- goals

  /** The goals, evaluated on this run's medians. */
  List<Goal> goals() {
    List<Goal> goals = new ArrayList<>();
    for (Row row : rows) {
      if (row.workload().equals("rr")
          && row.size() <= 16 * 1024
          && row.variant().startsWith("splice")
          && !row.variant().equals(Topology.SPLICE_CLANG)) {
        double tps = ratio(row, "nio-proxy");
        double p99 = p99Ratio(row);
        goals.add(
            new Goal(
                row.cell() + " " + row.variant() + " tx/s vs nio-proxy >= 1.3x", tps, tps >= 1.3));
        goals.add(
            new Goal(row.cell() + " " + row.variant() + " p99 vs nio-proxy < 1x", p99, p99 < 1));
      }
      if (row.variant().equals("splice") && find(row, Topology.SPLICE_CLANG).isPresent()) {
        goals.addAll(generatedVersusC(row));
      }
      if (row.workload().equals("rr")
          && row.size() <= 4096
          && (row.variant().equals("bypass") || row.variant().equals(Topology.SOCKOPS_BYPASS))) {
        double tps = ratio(row, "loopback");
        goals.add(
            new Goal(
                row.cell() + " " + row.variant() + " tx/s vs loopback >= 1.5x", tps, tps >= 1.5));
      }
      if (row.workload().equals("inserts") && row.variant().startsWith("java put(")) {
        double rate = ratio(row, "c update+kick");
        goals.add(new Goal(row.variant() + " vs c update+kick >= 0.9x", rate, rate >= 0.9));
      }
      if (row.workload().startsWith("codegen") && row.variant().equals(CodegenResults.OURS)) {
        double total = ratio(row, CodegenResults.CLANG);
        goals.add(
            new Goal(
                row.cell() + " sockmap4j vs clang -O2, all programs <= 1x", total, total <= 1));
      }
      if (row.workload().equals(CodegenResults.COMPILE)) {
        double ms = row.value().median();
        goals.add(
            new Goal(
                "compile time per program (median over sources) < 10 ms",
                ms,
                ms < CodegenResults.COMPILE_GOAL_MS,
                "ms"));
      }
    }
    return goals;
  }

  /**
   * The program sockmap4j generated against clang's build of its C twin on the same proxy: rr
   * transactions/s and p99, bulk Gbit/s, each within 2%.
   */
  private List<Goal> generatedVersusC(Row splice) {
    String prefix = splice.cell() + " splice vs " + Topology.SPLICE_CLANG + " ";
    List<Goal> goals = new ArrayList<>();
    double headline = ratio(splice, Topology.SPLICE_CLANG);
    goals.add(
        new Goal(prefix + splice.unit() + " within 2%", headline, Math.abs(headline - 1) <= 0.02));
    if (splice.workload().equals("rr")) {
      double p99 = p99Ratio(splice, Topology.SPLICE_CLANG);
      goals.add(new Goal(prefix + "p99 within 2%", p99, Math.abs(p99 - 1) <= 0.02));
    }
    double program =
        ratio(splice, Topology.SPLICE_CLANG, r -> r.of(Measurement::programNanos).median());
    if (!Double.isNaN(program)) {
      goals.add(
          new Goal(
              prefix + "program ns per run within 2%", program, Math.abs(program - 1) <= 0.02));
    }
    return goals;
  }

  // ---------------------------------------------------------------------------------- JSON

  String json() {
    StringBuilder s = new StringBuilder("{\n");
    s.append("  \"kernel\": ").append(quote(kernel)).append(",\n");
    s.append("  \"cores\": ").append(cores).append(",\n");
    s.append("  \"mode\": ").append(quote(mode)).append(",\n");
    s.append("  \"repeats\": ").append(repeats).append(",\n");
    s.append("  \"started\": ").append(quote(started)).append(",\n");
    s.append("  \"java\": ").append(quote(System.getProperty("java.version"))).append(",\n");
    s.append("  \"rows\": [");
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      s.append(i == 0 ? "\n" : ",\n").append("    {");
      s.append("\"workload\": ").append(quote(row.workload()));
      s.append(", \"size\": ").append(row.size());
      s.append(", \"connections\": ").append(row.connections());
      s.append(", \"variant\": ").append(quote(row.variant()));
      s.append(", \"unit\": ").append(quote(row.unit()));
      s.append(", \"baseline\": ").append(row.baseline() == null ? "null" : quote(row.baseline()));
      s.append(", \"values\": ").append(array(row.values()));
      s.append(", \"value\": ").append(stats(row.value()));
      s.append(", \"ratio\": ").append(num(ratio(row, row.baseline())));
      s.append(", \"ratioToDirect\": ").append(num(ratio(row, "direct")));
      if (row.workload().equals("inserts")) {
        s.append(", \"usPerInsert\": ").append(stats(microsPerInsert(row)));
      }
      if (!row.runs().isEmpty()) {
        s.append(", \"p50us\": ").append(stats(row.of(Measurement::p50Micros)));
        s.append(", \"p99us\": ").append(stats(row.of(Measurement::p99Micros)));
        s.append(", \"p999us\": ").append(stats(row.of(Measurement::p999Micros)));
        s.append(", \"cpuUnit\": ").append(quote(cpuUnit(row).trim()));
        s.append(", \"machineCpu\": ").append(stats(row.of(Measurement::machineCpu)));
        s.append(", \"proxyCpu\": ").append(stats(row.of(Measurement::proxyCpu)));
        s.append(", \"contextSwitches\": ").append(stats(row.of(Measurement::switches)));
        s.append(", \"programNanosPerRun\": ").append(stats(row.of(Measurement::programNanos)));
        s.append(", \"errors\": ").append(row.errors());
      }
      s.append('}');
    }
    s.append("\n  ],\n  \"notes\": ")
        .append(notes.stream().map(Report::quote).toList().toString())
        .append(",\n  \"goals\": [");
    List<Goal> goals = goals();
    for (int i = 0; i < goals.size(); i++) {
      Goal goal = goals.get(i);
      s.append(i == 0 ? "\n" : ",\n")
          .append("    {\"goal\": ")
          .append(quote(goal.text()))
          .append(", \"value\": ")
          .append(num(goal.value()))
          .append(", \"met\": ")
          .append(goal.met())
          .append('}');
    }
    return s.append("\n  ]\n}\n").toString();
  }

  private static String stats(Stats stats) {
    return "{\"median\": "
        + num(stats.median())
        + ", \"min\": "
        + num(stats.min())
        + ", \"max\": "
        + num(stats.max())
        + "}";
  }

  private static String array(List<Double> values) {
    return values.stream()
        .map(Report::num)
        .reduce((a, b) -> a + ", " + b)
        .map(s -> "[" + s + "]")
        .orElse("[]");
  }

  private static String num(double value) {
    return Double.isNaN(value) || Double.isInfinite(value)
        ? "null"
        : String.format(Locale.ROOT, "%.6g", value);
  }

  static String quote(String text) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }

  // ---------------------------------------------------------------------------------- numbers

  /** 3 significant digits, thousands grouped: 1,234,000 / 12.3 / 0.0123. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    double abs = Math.abs(value);
    if (abs >= 1000) {
      double scale = Math.pow(10, Math.floor(Math.log10(abs)) - 2);
      return String.format(Locale.ROOT, "%,.0f", Math.round(value / scale) * scale);
    }
    if (abs >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.3g", value);
  }

  static String ratioText(double ratio) {
    return Double.isNaN(ratio) || Double.isInfinite(ratio)
        ? "-"
        : String.format(Locale.ROOT, "%.2fx", ratio);
  }

  static String bytes(int size) {
    if (size >= 1 << 20 && size % (1 << 20) == 0) {
      return (size >> 20) + "MiB";
    }
    if (size >= 1024 && size % 1024 == 0) {
      return (size >> 10) + "KiB";
    }
    return size + "B";
  }
}
