package io.sockmap4j.processor.semantics;

import java.util.List;
import java.util.Optional;

/** A generated statement of a case's body. */
sealed interface Stmt {

  /** The Java text; {@code return} statements are written as {@code returns} says. */
  String java(Returns returns, JavaType resultType, String indent);

  /** {@code T v = init;} or {@code var v = init;}. */
  record Decl(Expr.Var variable, boolean inferred, Expr init) implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      return indent
          + (inferred ? "var" : variable.type().toString())
          + " "
          + variable.name()
          + " = "
          + init.java()
          + ";\n";
    }
  }

  /**
   * {@code R r = new R(args);}, {@code R r = other;} (a copy), or without a type, an assignment to
   * an existing record local.
   */
  record RecordStore(String local, RecordType type, boolean declare, String copyOf, List<Expr> args)
      implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      String value =
          copyOf != null
              ? copyOf
              : "new "
                  + type.name()
                  + "("
                  + String.join(", ", args.stream().map(Expr::java).toList())
                  + ")";
      return indent + (declare ? type.name() + " " : "") + local + " = " + value + ";\n";
    }
  }

  /** An assignment, compound assignment or increment as a statement. */
  record Effect(Expr effect) implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      String text =
          effect instanceof Expr.Assign a ? a.statement() : ((Expr.IncDec) effect).statement();
      return indent + text + ";\n";
    }
  }

  /**
   * {@code if (c) { then... [return r;] } else { otherwise... }}: an early return only ends a
   * then-branch without an else, so that the code after the if stays reachable for javac.
   */
  record If(Expr condition, List<Stmt> then, Optional<Expr> earlyReturn, List<Stmt> otherwise)
      implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      StringBuilder s = new StringBuilder(indent + "if (" + condition.java() + ") {\n");
      for (Stmt stmt : then) {
        s.append(stmt.java(returns, resultType, indent + "  "));
      }
      earlyReturn.ifPresent(
          r -> s.append(indent).append("  ").append(returns.of(resultType, r.java())).append('\n'));
      s.append(indent).append('}');
      if (!otherwise.isEmpty()) {
        s.append(" else {\n");
        for (Stmt stmt : otherwise) {
          s.append(stmt.java(returns, resultType, indent + "  "));
        }
        s.append(indent).append('}');
      }
      return s.append('\n').toString();
    }
  }
}
