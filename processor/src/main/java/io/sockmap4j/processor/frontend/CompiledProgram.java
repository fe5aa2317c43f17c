package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.backend.Program;
import io.sockmap4j.processor.model.ProgramDecl;
import java.util.List;

/**
 * A program that compiled, passed the {@code Checker}, and is ready to be written.
 *
 * @param decl what it is and where it attaches
 * @param program the linked instructions
 * @param listing the readable listing with {@code ; source} lines
 * @param sourceFile the Java file name, for the kernel's line info and error messages
 * @param sourceLines the lines of the compilation unit, empty when javac could not give them
 */
public record CompiledProgram(
    ProgramDecl decl,
    Program program,
    String listing,
    String sourceFile,
    List<String> sourceLines) {

  /** Copies the source lines. */
  public CompiledProgram {
    sourceLines = List.copyOf(sourceLines);
  }

  /** The source text of the 1-based {@code line}, trimmed, or {@code ""} when unknown. */
  public String sourceText(int line) {
    return line >= 1 && line <= sourceLines.size() ? sourceLines.get(line - 1).strip() : "";
  }
}
