package io.sockmap4j.processor.semantics;

import java.util.List;
import java.util.function.Function;

/**
 * One differential case: a method body over the inputs {@code long a, b} and {@code int c, d} that
 * returns a value of {@code type} (boolean, int-like or long). The same body becomes a plain Java
 * method and one or two parser programs (see {@link Returns}).
 *
 * @param body the statements for a return style, ending in a return
 */
record Case(String label, JavaType type, Function<Returns, String> body) {

  /** A case that returns {@code expr} of {@code type}, written by hand. */
  static Case expression(String label, JavaType type, String expr) {
    return new Case(label, type, r -> "    " + r.of(type, expr) + "\n");
  }

  /** A generated case: statements, then {@code return result}. */
  static Case generated(String label, List<Stmt> statements, Expr result) {
    JavaType type = resultType(result.type());
    return new Case(
        label,
        type,
        r -> {
          StringBuilder s = new StringBuilder();
          for (Stmt stmt : statements) {
            s.append(stmt.java(r, type, "    "));
          }
          return s.append("    ").append(r.of(type, result.java())).append('\n').toString();
        });
  }

  /** The result categories: boolean, int (for every int-like type) and long. */
  static JavaType resultType(JavaType exact) {
    return exact == JavaType.BOOLEAN || exact == JavaType.LONG ? exact : JavaType.INT;
  }

  /** Whether the kernel side needs a second program for the high half. */
  boolean needsHigh() {
    return type == JavaType.LONG;
  }

  /** The body as the Java twin has it, for reports. */
  String javaSource() {
    return body.apply(Returns.JAVA);
  }
}
