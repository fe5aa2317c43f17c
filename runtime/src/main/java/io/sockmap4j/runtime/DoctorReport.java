package io.sockmap4j.runtime;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link Doctor} found: one {@link DoctorCheck} per question asked of the kernel and the
 * process, in the order asked, with a human table ({@link #toText()}) and JSON ({@link #toJson()}).
 *
 * @param system the kernel release, architecture and Java version the checks ran on
 * @param checks the checks, in order
 */
public record DoctorReport(String system, List<DoctorCheck> checks) {

  private static final String STATUS_HEADER = "STATUS";
  private static final String ID_HEADER = "ID";
  private static final String TITLE_HEADER = "CHECK";
  private static final String NEEDS_HEADER = "KERNEL";

  /** Copies the list. */
  public DoctorReport {
    checks = List.copyOf(checks);
  }

  /** Whether everything sockmap4j needs works: no check {@linkplain DoctorCheck#blocks blocks}. */
  public boolean ready() {
    return checks.stream().noneMatch(DoctorCheck::blocks);
  }

  /** The process exit code of {@code doctor}: 0 when {@link #ready()}, 1 otherwise. */
  public int exitCode() {
    return ready() ? 0 : 1;
  }

  /** The checks that keep sockmap4j from working. */
  public List<DoctorCheck> blocking() {
    return checks.stream().filter(DoctorCheck::blocks).collect(Collectors.toList());
  }

  /** The check with this id. */
  public DoctorCheck check(String id) {
    return checks.stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no check with id " + id));
  }

  /**
   * A table for people: one line per check (status, id, title, the kernel version it needs, what
   * was found), then the fixes for every check that has one, then the verdict.
   */
  public String toText() {
    int idWidth = width(ID_HEADER, checks.stream().map(DoctorCheck::id).toList());
    int titleWidth = width(TITLE_HEADER, checks.stream().map(DoctorCheck::title).toList());
    String row = "%-7s  %-" + idWidth + "s  %-" + titleWidth + "s  %-6s  %s%n";
    StringBuilder out = new StringBuilder();
    out.append("sockmap4j doctor: ").append(system).append(System.lineSeparator());
    out.append(System.lineSeparator());
    out.append(String.format(row, STATUS_HEADER, ID_HEADER, TITLE_HEADER, NEEDS_HEADER, "FOUND"));
    for (DoctorCheck check : checks) {
      String needs = check.needs().isEmpty() ? "-" : check.needs() + "+";
      out.append(
          String.format(
              row, check.status(), check.id(), check.title(), needs, oneLine(check.found())));
    }
    List<DoctorCheck> withFix = checks.stream().filter(c -> !c.fix().isEmpty()).toList();
    if (!withFix.isEmpty()) {
      out.append(System.lineSeparator()).append("How to fix:").append(System.lineSeparator());
      for (DoctorCheck check : withFix) {
        out.append(String.format("  %-" + idWidth + "s  %s%n", check.id(), oneLine(check.fix())));
      }
    }
    out.append(System.lineSeparator());
    if (ready()) {
      out.append("READY: everything sockmap4j needs works on this kernel for this process.");
    } else {
      out.append("NOT READY: sockmap4j cannot work here until these are fixed: ")
          .append(blocking().stream().map(DoctorCheck::id).collect(Collectors.joining(", ")))
          .append('.');
    }
    return out.append(System.lineSeparator()).toString();
  }

  /**
   * The report as one JSON object: {@code system}, {@code ready}, {@code exitCode} and {@code
   * checks}, an array of objects with the fields of {@link DoctorCheck} ({@code status} as its
   * name).
   */
  public String toJson() {
    StringBuilder out = new StringBuilder();
    out.append("{\"system\":").append(quote(system));
    out.append(",\"ready\":").append(ready());
    out.append(",\"exitCode\":").append(exitCode());
    out.append(",\"checks\":[");
    for (int i = 0; i < checks.size(); i++) {
      DoctorCheck check = checks.get(i);
      out.append(i == 0 ? "" : ",");
      out.append("{\"id\":").append(quote(check.id()));
      out.append(",\"title\":").append(quote(check.title()));
      out.append(",\"status\":").append(quote(check.status().name()));
      out.append(",\"required\":").append(check.required());
      out.append(",\"found\":").append(quote(check.found()));
      out.append(",\"needs\":").append(quote(check.needs()));
      out.append(",\"fix\":").append(quote(check.fix()));
      out.append('}');
    }
    return out.append("]}").toString();
  }

  private static int width(String header, List<String> values) {
    return values.stream().mapToInt(String::length).reduce(header.length(), Math::max);
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s*\\R\\s*", " ");
  }

  /** A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }
}
