package io.sockmap4j.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a verifier log (log_level 1) for what a rejection message needs: the error line, the
 * instruction it is about, and the lines leading up to it.
 *
 * <p>A rejection log ends like this (kernel 6.x):
 *
 * <pre>
 * 0: R1=ctx() R10=fp0
 * 0: (95) exit
 * R0 !read_ok
 * processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
 * </pre>
 *
 * The error is the last non-empty line before the {@code processed N insns} summary (or the last
 * non-empty line when there is no summary); the failing instruction is the last {@code N: (op)}
 * line before it.
 */
public final class VerifierLog {

  private static final Pattern INSN_LINE = Pattern.compile("^(\\d+): \\([0-9a-f]{2}\\)");
  private static final Pattern SUMMARY = Pattern.compile("^processed \\d+ insns");

  private final String text;
  private final List<String> meaningful;
  private final OptionalInt failingInsn;

  /** Parses {@code text}. */
  public VerifierLog(String text) {
    this.text = text;
    this.meaningful = meaningfulLines(text);
    this.failingInsn = findFailingInsn(meaningful);
  }

  /** The full log. */
  public String text() {
    return text;
  }

  /** Whether the kernel wrote anything. */
  public boolean isEmpty() {
    return meaningful.isEmpty();
  }

  /** The line stating why the program was rejected, or {@code ""} for an empty log. */
  public String errorLine() {
    return meaningful.isEmpty() ? "" : meaningful.get(meaningful.size() - 1);
  }

  /** The index (in 8-byte slots) of the instruction the error is about, if the log names one. */
  public OptionalInt failingInsn() {
    return failingInsn;
  }

  /** The last {@code count} non-empty lines up to and including the error line. */
  public List<String> lastLines(int count) {
    return meaningful.subList(Math.max(0, meaningful.size() - count), meaningful.size());
  }

  /** Non-empty lines up to the {@code processed N insns} summary (exclusive). */
  private static List<String> meaningfulLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (SUMMARY.matcher(trimmed).find()) {
        break;
      }
      if (!trimmed.isEmpty()) {
        lines.add(line.stripTrailing());
      }
    }
    return List.copyOf(lines);
  }

  private static OptionalInt findFailingInsn(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = INSN_LINE.matcher(lines.get(i));
      if (m.find()) {
        return OptionalInt.of(Integer.parseInt(m.group(1)));
      }
    }
    return OptionalInt.empty();
  }
}
