package io.sockmap4j.processor.semantics;

import java.util.List;

/**
 * A static method of the generated class that programs call, and sockmap4j inlines at each call:
 * its signature is fixed, its body generated for each batch. A helper may call the helpers before
 * it, never itself or later ones (sockmap4j refuses recursion).
 */
record Helper(String name, List<JavaType> params, JavaType result) {

  /** The helpers of every batch, in the order they may call each other. */
  static final List<Helper> ALL =
      List.of(
          new Helper("h0", List.of(JavaType.LONG, JavaType.INT), JavaType.LONG),
          new Helper("h1", List.of(JavaType.INT, JavaType.SHORT), JavaType.INT),
          new Helper("h2", List.of(JavaType.INT), JavaType.BOOLEAN),
          new Helper("h3", List.of(JavaType.CHAR, JavaType.BYTE, JavaType.LONG), JavaType.INT));

  /** The parameters, named {@code x0, x1, ...}, as the body's variables. */
  List<Expr.Var> parameters() {
    return java.util.stream.IntStream.range(0, params.size())
        .mapToObj(i -> new Expr.Var("x" + i, params.get(i)))
        .toList();
  }

  /** The declaration with {@code body} (its statements, ending in a return). */
  String declaration(String body) {
    StringBuilder s = new StringBuilder("  static ").append(result).append(' ').append(name);
    s.append('(');
    List<Expr.Var> ps = parameters();
    for (int i = 0; i < ps.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(ps.get(i).type()).append(' ').append(ps.get(i).name());
    }
    return s.append(") {\n").append(body).append("  }\n").toString();
  }
}
