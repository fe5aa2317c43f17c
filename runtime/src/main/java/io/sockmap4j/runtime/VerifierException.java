package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.VerifierLog;
import java.util.List;
import java.util.OptionalInt;

/**
 * The kernel verifier rejected a program.
 *
 * <p>The message starts with the program and its source file, names the source line of the failing
 * instruction when the object carries line data ({@code Echo.java:42}), quotes the verifier's error
 * and the log lines before it, and ends with the errno. The complete log is {@link #verifierLog()}.
 */
public final class VerifierException extends BpfException {

  private static final long serialVersionUID = 1L;
  private static final int QUOTED_LINES = 8;

  private final String programName;
  private final String sourceFile;
  private final String verifierLog;

  private VerifierException(
      String message, String operation, int errno, ProgramSpec program, String verifierLog) {
    super(message, null, operation, errno);
    this.programName = program.name();
    this.sourceFile = program.sourceFile();
    this.verifierLog = verifierLog;
  }

  /** The rejection of {@code program}, explained from the verifier's log. */
  static VerifierException of(ProgramSpec program, int errno, String logText) {
    VerifierLog log = new VerifierLog(logText);
    StringBuilder message = new StringBuilder();
    message.append(program.name()).append(" (").append(program.sourceFile()).append(")");
    message.append(": the kernel verifier rejected the program");
    OptionalInt insn = log.failingInsn();
    if (insn.isPresent()) {
      LineEntry line = lineOf(program.lines(), insn.getAsInt());
      if (line != null) {
        message.append(" at ").append(program.sourceFile()).append(':').append(line.line());
      }
      message.append(" (instruction ").append(insn.getAsInt()).append(')');
    }
    message.append(": ").append(log.errorLine());
    message.append("\nLast lines of the verifier log:");
    for (String line : log.lastLines(QUOTED_LINES)) {
      message.append("\n    ").append(line);
    }
    message.append("\nThe full log is VerifierException#verifierLog(). ");
    message.append(rawFacts(errno));
    return new VerifierException(
        message.toString(), "BPF_PROG_LOAD " + program.name(), errno, program, logText);
  }

  /** The Java name of the rejected program. */
  public String programName() {
    return programName;
  }

  /** The source file the program was compiled from. */
  public String sourceFile() {
    return sourceFile;
  }

  /** The verifier's complete log (log_level 1). */
  public String verifierLog() {
    return verifierLog;
  }

  /** The entry covering {@code slot}: the one with the greatest slot not after it. */
  private static LineEntry lineOf(List<LineEntry> lines, int slot) {
    LineEntry best = null;
    for (LineEntry line : lines) {
      if (line.slot() <= slot && (best == null || line.slot() >= best.slot())) {
        best = line;
      }
    }
    return best;
  }
}
