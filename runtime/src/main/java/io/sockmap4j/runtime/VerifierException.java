package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.VerifierAdvice;
import io.sockmap4j.runtime.internal.VerifierLog;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kernel verifier rejected a program.
 *
 * <p>When the failing instruction maps to a Java line, the message begins with that line, like a
 * compiler error:
 *
 * <pre>
 * Echo.java:42: return p[x];: R2 invalid mem access 'scalar'
 * A memory access goes through a register the verifier does not know to be a valid pointer: ...
 * Program echo (Echo.java), instruction 1. Last lines of the verifier log:
 *     ; return p[x]; @ Echo.java:42
 *     1: (61) r0 = *(u32 *)(r2 +0)
 *     R2 invalid mem access 'scalar'
 * The full log is VerifierException#verifierLog(). (errno 13 EACCES: Permission denied)
 * </pre>
 *
 * The location comes from the kernel's own log when the program was loaded with BTF line info
 * (kernel 5.0+: the log then prints {@code ; <source> @ File.java:N} before the instructions of
 * each line), otherwise from the object's line table. Without any line data the message begins with
 * the program's name and source file instead. The plain-language explanation is given for the
 * common errors only; the complete log is {@link #verifierLog()}.
 */
public final class VerifierException extends BpfException {

  private static final long serialVersionUID = 1L;
  private static final int QUOTED_LINES = 8;

  private final String programName;
  private final String sourceFile;
  private final int line;
  private final String sourceText;
  private final int instruction;
  private final String verifierLog;

  private VerifierException(
      String message,
      int errno,
      ProgramSpec program,
      String sourceFile,
      int line,
      String sourceText,
      int instruction,
      String verifierLog) {
    super(message, null, "BPF_PROG_LOAD " + program.name(), errno);
    this.programName = program.name();
    this.sourceFile = sourceFile;
    this.line = line;
    this.sourceText = sourceText;
    this.instruction = instruction;
    this.verifierLog = verifierLog;
  }

  /** The rejection of {@code program}, explained from the verifier's log. */
  static VerifierException of(ProgramSpec program, int errno, String logText) {
    VerifierLog log = new VerifierLog(logText);
    OptionalInt insn = log.failingInsn();
    String file = program.sourceFile();
    int line = 0;
    String text = "";
    Optional<VerifierLog.SourceLine> kernelSays = log.failingSource();
    if (kernelSays.isPresent()) {
      file = kernelSays.get().file();
      line = kernelSays.get().line();
      text = kernelSays.get().text();
    } else if (insn.isPresent()) {
      LineEntry entry = lineOf(program.lines(), insn.getAsInt());
      if (entry != null) {
        line = entry.line();
        text = entry.source();
      }
    }

    StringBuilder message = new StringBuilder();
    if (line > 0) {
      message.append(file).append(':').append(line).append(": ");
      if (!text.isEmpty()) {
        message.append(text).append(": ");
      }
      message.append(log.errorLine());
    } else {
      message.append(program.name()).append(" (").append(program.sourceFile()).append(")");
      message.append(": the kernel verifier rejected the program");
      insn.ifPresent(i -> message.append(" (instruction ").append(i).append(')'));
      message.append(": ").append(log.errorLine());
    }
    String explanation = VerifierAdvice.explain(log);
    if (!explanation.isEmpty()) {
      message.append('\n').append(explanation);
    }
    message.append('\n');
    if (line > 0) {
      message.append("Program ").append(program.name()).append(" (").append(program.sourceFile());
      message.append(')');
      insn.ifPresent(i -> message.append(", instruction ").append(i));
      message.append(". ");
    }
    message.append("Last lines of the verifier log:");
    for (String quoted : log.lastLines(QUOTED_LINES)) {
      message.append("\n    ").append(quoted);
    }
    message.append("\nThe full log is VerifierException#verifierLog(). ");
    message.append(rawFacts(errno));
    return new VerifierException(
        message.toString(),
        errno,
        program,
        program.sourceFile(),
        line,
        text,
        insn.orElse(-1),
        logText);
  }

  /** The Java name of the rejected program. */
  public String programName() {
    return programName;
  }

  /** The source file the program was compiled from. */
  public String sourceFile() {
    return sourceFile;
  }

  /** The 1-based Java line of the failing instruction, if known. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  /**
   * The trimmed Java source text of the failing line, or {@code ""} when unknown (no line data, or
   * an object written by a processor before format version 2).
   */
  public String sourceText() {
    return sourceText;
  }

  /** The index (in 8-byte slots) of the instruction the verifier refused, if its log names one. */
  public OptionalInt instruction() {
    return instruction >= 0 ? OptionalInt.of(instruction) : OptionalInt.empty();
  }

  /** The verifier's complete log (log_level 1). */
  public String verifierLog() {
    return verifierLog;
  }

  /** The entry covering {@code slot}: the one with the greatest slot not after it. */
  private static LineEntry lineOf(List<LineEntry> lines, int slot) {
    LineEntry best = null;
    for (LineEntry entry : lines) {
      if (entry.slot() <= slot && (best == null || entry.slot() >= best.slot())) {
        best = entry;
      }
    }
    return best;
  }
}
