package io.sockmap4j.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * line before it, or the instruction named by a control-flow error ({@code unreachable insn 4},
 * {@code back-edge from insn 7 to 2}, {@code jump out of range from insn 3 to 9}, {@code infinite
 * loop detected at insn 5}), which the kernel reports before walking any instruction.
 *
 * <p>When the program carries BTF line info (kernel 5.0+), the kernel prints the source line before
 * the instructions generated from it, as {@code ; <source text> @ <file>:<line>}; {@link
 * #failingSource()} is the last such line before the failing instruction.
 */
public final class VerifierLog {

  private static final Pattern INSN_LINE = Pattern.compile("^(\\d+): \\([0-9a-f]{2}\\)");
  private static final Pattern SUMMARY = Pattern.compile("^processed \\d+ insns");
  private static final Pattern CFG_ERROR =
      Pattern.compile(
          "(?:unreachable insn|back-edge from insn|jump out of range from insn"
              + "|infinite loop detected at insn) (\\d+)");
  private static final Pattern SOURCE_LINE = Pattern.compile("^; (.*) @ ([^ ]+):(\\d+)$");

  /**
   * A source line the kernel printed from BTF line info.
   *
   * @param text the source text, as the line info gave it
   * @param file the file name
   * @param line the 1-based line
   */
  public record SourceLine(String text, String file, int line) {}

  private final String text;
  private final List<String> meaningful;
  private final int failingInsnLine;
  private final OptionalInt failingInsn;

  /** Parses {@code text}. */
  public VerifierLog(String text) {
    this.text = text;
    this.meaningful = meaningfulLines(text);
    this.failingInsnLine = findFailingInsnLine(meaningful);
    this.failingInsn = findFailingInsn(meaningful, failingInsnLine);
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

  /**
   * The source line of the failing instruction as the kernel printed it from BTF line info: the
   * last {@code ; <text> @ <file>:<line>} line before the failing instruction's line.
   */
  public Optional<SourceLine> failingSource() {
    if (failingInsnLine < 0) {
      return Optional.empty();
    }
    for (int i = failingInsnLine - 1; i >= 0; i--) {
      Matcher m = SOURCE_LINE.matcher(meaningful.get(i));
      if (m.find()) {
        return Optional.of(new SourceLine(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
      }
    }
    return Optional.empty();
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

  /** The index in {@code lines} of the last {@code N: (op)} line, or -1. */
  private static int findFailingInsnLine(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (INSN_LINE.matcher(lines.get(i)).find()) {
        return i;
      }
    }
    return -1;
  }

  private static OptionalInt findFailingInsn(List<String> lines, int insnLine) {
    if (!lines.isEmpty()) {
      Matcher cfg = CFG_ERROR.matcher(lines.get(lines.size() - 1));
      if (cfg.find()) {
        return OptionalInt.of(Integer.parseInt(cfg.group(1)));
      }
    }
    if (insnLine < 0) {
      return OptionalInt.empty();
    }
    Matcher m = INSN_LINE.matcher(lines.get(insnLine));
    m.find();
    return OptionalInt.of(Integer.parseInt(m.group(1)));
  }
}
