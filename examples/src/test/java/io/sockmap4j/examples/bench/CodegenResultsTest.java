package io.sockmap4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code-generation results recorded in {@code bench/codegen} (written by its harness) become
 * rows, notes and goals of the data-path table.
 */
class CodegenResultsTest {
  private static final Path RECORDED = Path.of("../bench/codegen");

  @Test
  void recordedResultsBecomeRowsWithTheirRatios() throws Exception {
    Report report = new Report("test", 2, "quick", 1, "now");

    CodegenResults.addTo(report, RECORDED);

    String json = Files.readString(RECORDED.resolve("results.json"));
    Row ours = row(report, CodegenResults.INSNS, CodegenResults.OURS);
    Row clang = row(report, CodegenResults.INSNS, CodegenResults.CLANG);
    assertEquals(sum(json, "\"ours\": \\{\"insns\": (\\d+)"), ours.value().median());
    assertEquals(sum(json, "\"clang\": \\{\"insns\": (\\d+)"), clang.value().median());
    assertEquals(
        ours.value().median() / clang.value().median(),
        report.ratio(ours, CodegenResults.CLANG),
        1e-9);
    Row verified = row(report, CodegenResults.VERIFIED, CodegenResults.OURS);
    assertEquals(
        sum(json, "\"ours\": \\{\"insns\": \\d+, \"verified\": (\\d+)"), verified.value().median());

    Row compile = row(report, CodegenResults.COMPILE, "processor cost");
    assertEquals(13, compile.values().size(), "one value per source of compile-time.json");
    String table = report.table();
    assertTrue(table.contains("goal "), table);
    assertTrue(table.contains("codegen insns sockmap4j vs clang -O2"), table);
    assertTrue(table.contains("compile time per program"), table);
    assertTrue(
        table.contains(" ms\n"), "the compile goal is shown in ms, not as a ratio:\n" + table);
    assertTrue(report.notes.stream().anyMatch(n -> n.startsWith("codegen: 15 programs")), table);
  }

  @Test
  void aMissingCompileTimeIsANoteNotAFailure(@TempDir Path dir) throws Exception {
    Files.copy(RECORDED.resolve("results.json"), dir.resolve("results.json"));
    Report report = new Report("test", 2, "quick", 1, "now");

    CodegenResults.addTo(report, dir);

    assertTrue(report.notes.stream().anyMatch(n -> n.startsWith("compile time: not measured")));
    assertTrue(report.rows.stream().noneMatch(r -> r.workload().equals(CodegenResults.COMPILE)));
  }

  @Test
  void aFileInAnotherFormatIsRefusedByName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("results.json"), "{\"programs\": 3}");

    IOException e =
        assertThrows(
            IOException.class,
            () -> CodegenResults.addTo(new Report("test", 2, "quick", 1, "now"), dir));

    assertTrue(e.getMessage().contains("results.json"), e.getMessage());
    assertTrue(e.getMessage().contains("bench/codegen/run.sh"), e.getMessage());
  }

  private static Row row(Report report, String workload, String variant) {
    List<Row> rows =
        report.rows.stream()
            .filter(r -> r.workload().equals(workload) && r.variant().equals(variant))
            .toList();
    assertEquals(1, rows.size(), workload + " / " + variant);
    return rows.get(0);
  }

  private static double sum(String json, String regex) {
    Matcher m = Pattern.compile(regex).matcher(json);
    double sum = 0;
    int count = 0;
    while (m.find()) {
      sum += Integer.parseInt(m.group(1));
      count++;
    }
    assertEquals(15, count, regex);
    return sum;
  }
}
