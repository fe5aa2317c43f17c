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

  /** {@code T[] a = new T[n];} or {@code T[] a = {e1, e2, ...};}. */
  record ArrayDecl(Expr.ArrayLocal array, List<Expr> init) implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      String value =
          init.isEmpty()
              ? "new " + array.element() + "[" + array.length() + "]"
              : "{" + String.join(", ", init.stream().map(Expr::java).toList()) + "}";
      return indent + array.element() + "[] " + array.name() + " = " + value + ";\n";
    }
  }

  /** {@code if (c) break;} or {@code if (c) continue;}, inside a loop. */
  record Jump(Expr condition, boolean isContinue) implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      return indent
          + "if ("
          + condition.java()
          + ") "
          + (isContinue ? "continue" : "break")
          + ";\n";
    }
  }

  /**
   * A counted loop: {@code for (int i = from; i < to; i += step) {...}}, or a {@code while} whose
   * last statement steps its counter (declared in a block of its own, so sibling loops can reuse
   * the name). The counter is read in the body, never assigned there: that is what lets the
   * compiler prove the loop ends.
   */
  record Loop(String counter, int from, int to, int step, boolean isWhile, List<Stmt> body)
      implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      StringBuilder s = new StringBuilder();
      String inner = indent + "  ";
      if (isWhile) {
        s.append(indent).append("{\n");
        s.append(inner).append("int ").append(counter).append(" = ").append(from).append(";\n");
        s.append(inner).append("while (").append(counter).append(" < ").append(to).append(") {\n");
        for (Stmt stmt : body) {
          s.append(stmt.java(returns, resultType, inner + "  "));
        }
        s.append(inner).append("  ").append(counter).append(" += ").append(step).append(";\n");
        s.append(inner).append("}\n");
        return s.append(indent).append("}\n").toString();
      }
      s.append(indent)
          .append("for (int ")
          .append(counter)
          .append(" = ")
          .append(from)
          .append("; ")
          .append(counter)
          .append(" < ")
          .append(to)
          .append("; ")
          .append(counter)
          .append(" += ")
          .append(step)
          .append(") {\n");
      for (Stmt stmt : body) {
        s.append(stmt.java(returns, resultType, inner));
      }
      return s.append(indent).append("}\n").toString();
    }
  }

  /**
   * A classic {@code switch} statement: groups of {@code case} labels with their statements,
   * falling through to the next group unless they end in {@code break}, then {@code default}.
   */
  record SwitchStmt(Expr selector, List<Group> groups, List<Stmt> otherwise) implements Stmt {
    /** {@code case l1: case l2: body [break;]}. */
    record Group(List<Long> labels, List<Stmt> body, boolean breaks) {}

    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      StringBuilder s = new StringBuilder(indent + "switch (" + selector.java() + ") {\n");
      for (Group g : groups) {
        for (long label : g.labels()) {
          s.append(indent).append("  case ").append(Expr.Switch.label(label)).append(":\n");
        }
        for (Stmt stmt : g.body()) {
          s.append(stmt.java(returns, resultType, indent + "    "));
        }
        if (g.breaks()) {
          s.append(indent).append("    break;\n");
        }
      }
      s.append(indent).append("  default:\n");
      for (Stmt stmt : otherwise) {
        s.append(stmt.java(returns, resultType, indent + "    "));
      }
      return s.append(indent).append("}\n").toString();
    }
  }

  /** An assignment, compound assignment, increment or helper call as a statement. */
  record Effect(Expr effect) implements Stmt {
    @Override
    public String java(Returns returns, JavaType resultType, String indent) {
      String text =
          effect instanceof Expr.Assign a
              ? a.statement()
              : effect instanceof Expr.IncDec i ? i.statement() : effect.java();
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
