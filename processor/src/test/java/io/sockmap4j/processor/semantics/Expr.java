package io.sockmap4j.processor.semantics;

import java.util.List;

/**
 * A generated Java expression of the sockmap4j subset, with its exact Java type. Every composite
 * form is written fully parenthesised, so the text never depends on operator precedence.
 *
 * <p>{@link #isConstant()} follows JLS 15.29 (literals, and operators and casts over constants; no
 * variables, no assignments): javac and the sockmap4j compiler both fold such expressions, and the
 * type of a conditional expression depends on it (JLS 15.25).
 */
sealed interface Expr {

  /** The Java source text. */
  String java();

  /** The exact Java type. */
  JavaType type();

  /** Whether this is a constant expression (JLS 15.29). */
  boolean isConstant();

  /** A literal; byte and short have none (use a cast of an int literal). */
  record Lit(JavaType type, long value) implements Expr {
    @Override
    public String java() {
      switch (type) {
        case BOOLEAN:
          return value != 0 ? "true" : "false";
        case CHAR:
          return "'" + (char) value + "'";
        case LONG:
          return value < 0 ? "(" + value + "L)" : value + "L";
        default:
          return value < 0 ? "(" + value + ")" : Long.toString(value);
      }
    }

    @Override
    public boolean isConstant() {
      return true;
    }
  }

  /** A local variable or parameter. */
  record Var(String name, JavaType type) implements Expr {
    @Override
    public String java() {
      return name;
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** A {@code static final} constant of the generated class. */
  record Named(String name, JavaType type, long value) implements Expr {
    @Override
    public String java() {
      return name;
    }

    @Override
    public boolean isConstant() {
      return true;
    }
  }

  /** A record component read, {@code r.x()}, from a record local. */
  record Component(String local, String accessor, JavaType type) implements Expr {
    @Override
    public String java() {
      return local + "." + accessor + "()";
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** {@code a[i]}: an element of a local array; may be out of range (Java throws, eBPF faults). */
  record Element(ArrayLocal array, Expr index) implements Expr {
    @Override
    public String java() {
      return array.name() + "[" + index.java() + "]";
    }

    @Override
    public JavaType type() {
      return array.element();
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** {@code a.length}: the compiler folds it, but it is no constant expression to javac. */
  record Length(ArrayLocal array) implements Expr {
    @Override
    public String java() {
      return array.name() + ".length";
    }

    @Override
    public JavaType type() {
      return JavaType.INT;
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** A local array: its name, element type and fixed length. */
  record ArrayLocal(String name, JavaType element, int length) {}

  /**
   * {@code switch (selector) { case 1, 2 -> a; ... default -> d; }} whose arms all have one type,
   * which is then the switch's type (JLS 15.28.1).
   */
  record Switch(Expr selector, List<Arm> arms, Expr otherwise) implements Expr {
    /** {@code case labels -> value;}. */
    record Arm(List<Long> labels, Expr value) {}

    @Override
    public String java() {
      StringBuilder s = new StringBuilder("(switch (" + selector.java() + ") { ");
      for (Arm arm : arms) {
        s.append("case ")
            .append(String.join(", ", arm.labels().stream().map(Switch::label).toList()))
            .append(" -> ")
            .append(arm.value().java())
            .append("; ");
      }
      return s.append("default -> ").append(otherwise.java()).append("; })").toString();
    }

    static String label(long value) {
      return value < 0 ? "(" + value + ")" : Long.toString(value);
    }

    @Override
    public JavaType type() {
      return otherwise.type();
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** A call of a generated helper method of the class, which sockmap4j inlines. */
  record HelperCall(Helper helper, List<Expr> args) implements Expr {
    @Override
    public String java() {
      return helper.name() + "(" + String.join(", ", args.stream().map(Expr::java).toList()) + ")";
    }

    @Override
    public JavaType type() {
      return helper.result();
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** A call of a JDK method; never a constant expression (JLS 15.29), whatever its arguments. */
  record Call(JdkMethod method, List<Expr> args) implements Expr {
    @Override
    public String java() {
      return method.call(args.stream().map(Expr::java).toList());
    }

    @Override
    public JavaType type() {
      return method.result();
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** {@code -e}, {@code ~e}, {@code +e} or {@code !e}. */
  record Unary(String op, Expr operand) implements Expr {
    @Override
    public String java() {
      return "(" + op + operand.java() + ")";
    }

    @Override
    public JavaType type() {
      return op.equals("!") ? JavaType.BOOLEAN : operand.type().promoted();
    }

    @Override
    public boolean isConstant() {
      return operand.isConstant();
    }
  }

  /** Any binary operator of the subset. */
  record Binary(String op, Expr left, Expr right) implements Expr {
    @Override
    public String java() {
      return "(" + left.java() + " " + op + " " + right.java() + ")";
    }

    @Override
    public JavaType type() {
      switch (op) {
        case "<":
        case "<=":
        case ">":
        case ">=":
        case "==":
        case "!=":
        case "&&":
        case "||":
          return JavaType.BOOLEAN;
        case "<<":
        case ">>":
        case ">>>":
          return left.type().promoted();
        default:
          return left.type() == JavaType.BOOLEAN
              ? JavaType.BOOLEAN
              : JavaType.promote(left.type(), right.type());
      }
    }

    @Override
    public boolean isConstant() {
      return left.isConstant() && right.isConstant();
    }
  }

  /** {@code (type) e}. */
  record Cast(JavaType type, Expr operand) implements Expr {
    @Override
    public String java() {
      return "((" + type + ") " + operand.java() + ")";
    }

    @Override
    public boolean isConstant() {
      return operand.isConstant();
    }
  }

  /** {@code c ? t : f}, typed as JLS 15.25 types numeric and boolean conditionals. */
  record Cond(Expr condition, Expr whenTrue, Expr whenFalse) implements Expr {
    @Override
    public String java() {
      return "(" + condition.java() + " ? " + whenTrue.java() + " : " + whenFalse.java() + ")";
    }

    @Override
    public JavaType type() {
      JavaType t = whenTrue.type();
      JavaType f = whenFalse.type();
      if (t == f) {
        return t;
      }
      if ((t == JavaType.BYTE && f == JavaType.SHORT)
          || (t == JavaType.SHORT && f == JavaType.BYTE)) {
        return JavaType.SHORT;
      }
      if (narrowsTo(whenFalse, t)) {
        return t;
      }
      if (narrowsTo(whenTrue, f)) {
        return f;
      }
      return JavaType.promote(t, f);
    }

    /** An int constant whose value fits {@code small} (byte, short or char) takes its type. */
    private static boolean narrowsTo(Expr constant, JavaType small) {
      return (small == JavaType.BYTE || small == JavaType.SHORT || small == JavaType.CHAR)
          && constant.type() == JavaType.INT
          && constant.isConstant()
          && small.represents(Evaluator.constantValue(constant));
    }

    @Override
    public boolean isConstant() {
      return condition.isConstant() && whenTrue.isConstant() && whenFalse.isConstant();
    }
  }

  /** {@code v = e} or a compound assignment {@code v op= e}; the target is a Var or an Element. */
  record Assign(Expr target, String op, Expr value) implements Expr {
    @Override
    public String java() {
      return "(" + statement() + ")";
    }

    /** The text without the outer parentheses, as an expression statement needs it. */
    String statement() {
      return target.java() + " " + op + " " + value.java();
    }

    @Override
    public JavaType type() {
      return target.type();
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** {@code ++v}, {@code --v}, {@code v++} or {@code v--}; the target is a Var or an Element. */
  record IncDec(Expr target, boolean prefix, boolean increment) implements Expr {
    @Override
    public String java() {
      return "(" + statement() + ")";
    }

    String statement() {
      String op = increment ? "++" : "--";
      return prefix ? op + target.java() : target.java() + op;
    }

    @Override
    public JavaType type() {
      return target.type();
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }
}
