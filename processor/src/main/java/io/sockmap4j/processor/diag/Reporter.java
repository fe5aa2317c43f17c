package io.sockmap4j.processor.diag;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Prints diagnostics at exact source positions and counts them. Nothing here throws: the processor
 * reports and carries on, so one bad method never hides the errors of the others.
 */
public final class Reporter {
  private final Messager messager;
  private final Trees trees;
  private final Map<Tree, Set<String>> printed = new IdentityHashMap<>();
  private int errors;

  public Reporter(Messager messager, Trees trees) {
    this.messager = messager;
    this.trees = trees;
  }

  /**
   * An error at {@code tree}: javac prints the file, line, column and a caret under it. The same
   * message at the same tree is printed once (a method inlined into two programs is compiled
   * twice), but counts every time, so that each program it spoils produces nothing.
   */
  public void error(DiagnosticId id, Tree tree, CompilationUnitTree unit, String message) {
    errors++;
    if (tree != null && !printed.computeIfAbsent(tree, t -> new HashSet<>()).add(message)) {
      return;
    }
    if (trees == null || tree == null || unit == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, id.tag() + " " + message);
    } else {
      trees.printMessage(Diagnostic.Kind.ERROR, id.tag() + " " + message, tree, unit);
    }
  }

  /** An error on a declaration (field, method, class). */
  public void error(DiagnosticId id, Element element, String message) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, id.tag() + " " + message, element);
  }

  /** A sockmap4j bug: one clear error with the stack trace, never a javac crash. */
  public void internal(Element element, Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    error(
        DiagnosticId.Internal,
        element,
        "sockmap4j failed while compiling this element. This is a bug in sockmap4j; please"
            + " report it with the source of this method and this trace:\n"
            + trace);
  }

  /** How many errors were reported so far. */
  public int errorCount() {
    return errors;
  }
}
