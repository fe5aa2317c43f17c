package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.DoctorCheck.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorReportTest {

  private static DoctorCheck check(String id, Status status, boolean required, String fix) {
    return new DoctorCheck(id, "title of " + id, status, required, "found " + id, "4.14", fix);
  }

  @Test
  void readyWhenNoRequiredCheckIsMissingOrSkipped() {
    DoctorReport report =
        new DoctorReport(
            "Linux test",
            List.of(
                check("a", Status.OK, true, ""),
                check("b", Status.WARN, true, "raise it"),
                check("c", Status.MISSING, false, "upgrade"),
                check("d", Status.SKIPPED, false, ""),
                check("e", Status.INFO, false, "")));
    assertTrue(report.ready());
    assertEquals(0, report.exitCode());
    assertEquals(List.of(), report.blocking());
  }

  @Test
  void aMissingRequiredCheckFailsTheReport() {
    DoctorReport report =
        new DoctorReport(
            "Linux test",
            List.of(check("a", Status.OK, true, ""), check("b", Status.MISSING, true, "fix b")));
    assertFalse(report.ready());
    assertEquals(1, report.exitCode());
    assertEquals(List.of("b"), report.blocking().stream().map(DoctorCheck::id).toList());
  }

  @Test
  void aSkippedRequiredCheckFailsTheReport() {
    DoctorReport report =
        new DoctorReport("Linux test", List.of(check("a", Status.SKIPPED, true, "")));
    assertEquals(1, report.exitCode());
  }

  @Test
  void textHasOneAlignedLinePerCheckThenFixesThenTheVerdict() {
    DoctorReport report =
        new DoctorReport(
            "Linux 6.18 amd64, Java 17",
            List.of(
                new DoctorCheck(
                    "bpf", "bpf() usable", Status.OK, true, "created a map", "3.18", ""),
                new DoctorCheck(
                    "sockmap",
                    "create a SOCKMAP",
                    Status.MISSING,
                    true,
                    "BPF_MAP_CREATE failed\n(errno 1 EPERM)",
                    "4.14",
                    "run as root"),
                new DoctorCheck("jit", "JIT", Status.INFO, false, "on", "", "")));
    String n = System.lineSeparator();
    assertEquals(
        "sockmap4j doctor: Linux 6.18 amd64, Java 17"
            + n
            + n
            + "STATUS   ID       CHECK             KERNEL  FOUND"
            + n
            + "OK       bpf      bpf() usable      3.18+   created a map"
            + n
            + "MISSING  sockmap  create a SOCKMAP  4.14+   BPF_MAP_CREATE failed (errno 1 EPERM)"
            + n
            + "INFO     jit      JIT               -       on"
            + n
            + n
            + "How to fix:"
            + n
            + "  sockmap  run as root"
            + n
            + n
            + "NOT READY: sockmap4j cannot work here until these are fixed: sockmap."
            + n,
        report.toText());
  }

  @Test
  void readyTextSaysSoAndHasNoFixSection() {
    DoctorReport report = new DoctorReport("Linux", List.of(check("a", Status.OK, true, "")));
    String text = report.toText();
    assertFalse(text.contains("How to fix"), text);
    assertTrue(
        text.endsWith(
            "READY: everything sockmap4j needs works on this kernel for this process."
                + System.lineSeparator()),
        text);
  }

  @Test
  void jsonCarriesEveryFieldAndEscapesStrings() {
    DoctorReport report =
        new DoctorReport(
            "Linux \"x\"",
            List.of(
                new DoctorCheck(
                    "sk_msg", "SK_MSG", Status.MISSING, true, "a\\b\nc\u0001", "4.17", "fix")));
    assertEquals(
        "{\"system\":\"Linux \\\"x\\\"\",\"ready\":false,\"exitCode\":1,\"checks\":["
            + "{\"id\":\"sk_msg\",\"title\":\"SK_MSG\",\"status\":\"MISSING\",\"required\":true,"
            + "\"found\":\"a\\\\b\\nc\\u0001\",\"needs\":\"4.17\",\"fix\":\"fix\"}]}",
        report.toJson());
  }
}
