package io.sockmap4j.processor.backend;

/**
 * A position in the Java source, attached to the instructions generated from it.
 *
 * <p>It becomes a BTF {@code line_info} record ({@code line << 10 | column}), so the verifier log
 * and {@code bpftool prog dump xlated linum} can point at the Java line. Both numbers are 1-based
 * as javac reports them; column 0 means "unknown column".
 *
 * @param line the 1-based line number
 * @param column the 1-based column, or 0
 */
public record SourcePos(int line, int column) {

  /** Validates that the line is at least 1 and the column not negative. */
  public SourcePos {
    if (line < 1) {
      throw new IllegalArgumentException("line numbers start at 1, got " + line);
    }
    if (column < 0) {
      throw new IllegalArgumentException("column must not be negative, got " + column);
    }
  }
}
