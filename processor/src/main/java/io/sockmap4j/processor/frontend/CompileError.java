package io.sockmap4j.processor.frontend;

import com.sun.source.tree.Tree;
import io.sockmap4j.processor.diag.DiagnosticId;

/**
 * A user error found while compiling a statement. Thrown from deep inside expression compilation
 * and caught at the statement boundary, where it is reported at {@link #tree()}; compilation then
 * continues with the next statement so every error of a method is reported.
 */
final class CompileError extends RuntimeException {
  private final DiagnosticId id;
  private final transient Tree tree;
  private final boolean followOn;

  CompileError(DiagnosticId id, Tree tree, String message) {
    this(id, tree, message, false);
  }

  private CompileError(DiagnosticId id, Tree tree, String message, boolean followOn) {
    super(message, null, false, false);
    this.id = id;
    this.tree = tree;
    this.followOn = followOn;
  }

  DiagnosticId id() {
    return id;
  }

  Tree tree() {
    return tree;
  }

  /**
   * Whether this error only follows from one already reported (a use of a local whose declaration
   * failed): the statement is abandoned without a message of its own.
   */
  boolean isFollowOn() {
    return followOn;
  }

  /** A use of {@code name}, a local whose declaration was already reported as an error. */
  static CompileError followOn(String name) {
    return new CompileError(
        DiagnosticId.Internal, null, "'" + name + "' has an erroneous declaration", true);
  }

  static CompileError unsupported(Tree tree, String what, String instead) {
    return new CompileError(
        DiagnosticId.Unsupported,
        tree,
        what + " is not supported in sockmap4j programs yet. " + instead);
  }
}
