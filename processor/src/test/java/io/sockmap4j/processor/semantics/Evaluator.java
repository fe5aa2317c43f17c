package io.sockmap4j.processor.semantics;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The value of a constant {@link Expr}, with Java's semantics. Used only to type conditional
 * expressions as JLS 15.25 does (an int constant that fits byte, short or char takes that type);
 * the expected results of the differential test come from javac-compiled code, never from here.
 */
final class Evaluator {
  private Evaluator() {}

  /** The value of a constant expression: longs as is, int-like values sign- or zero-extended. */
  static long constantValue(Expr e) {
    if (!e.isConstant()) {
      throw new IllegalArgumentException("not a constant: " + e.java());
    }
    if (e instanceof Expr.Lit lit) {
      return lit.value();
    }
    if (e instanceof Expr.Named named) {
      return named.value();
    }
    if (e instanceof Expr.Cast cast) {
      return narrow(cast.type(), constantValue(cast.operand()));
    }
    if (e instanceof Expr.Cond cond) {
      return narrow(
          cond.type(),
          constantValue(cond.condition()) != 0
              ? constantValue(cond.whenTrue())
              : constantValue(cond.whenFalse()));
    }
    if (e instanceof Expr.Unary u) {
      return unary(u, constantValue(u.operand()));
    }
    Expr.Binary b = (Expr.Binary) e;
    return binary(b, constantValue(b.left()), constantValue(b.right()));
  }

  /**
   * The value of {@code e} if the sockmap4j compiler folds it at compile time: a JLS constant, or a
   * JDK call whose arguments fold (the compiler calls the JDK method itself). The generator avoids
   * what the compiler rejects by design although Java would only throw at run time: a divisor that
   * folds to zero, and a folded call that throws.
   *
   * @throws ArithmeticException if folding throws, as the JDK method or the division would
   */
  static Optional<Long> fold(Expr e) {
    if (e instanceof Expr.Call call) {
      List<Object> args = new ArrayList<>();
      for (Expr arg : call.args()) {
        Optional<Long> v = fold(arg);
        if (v.isEmpty()) {
          return Optional.empty();
        }
        args.add(boxed(arg.type(), v.get()));
      }
      return Optional.of(invoke(call.method(), args));
    }
    if (e instanceof Expr.Unary u) {
      return fold(u.operand()).map(v -> unary(u, v));
    }
    if (e instanceof Expr.Cast c) {
      return fold(c.operand()).map(v -> narrow(c.type(), v));
    }
    if (e instanceof Expr.Binary b) {
      Optional<Long> x = fold(b.left());
      Optional<Long> y = fold(b.right());
      if (x.isEmpty() || y.isEmpty()) {
        return Optional.empty();
      }
      if ((b.op().equals("/") || b.op().equals("%")) && y.get() == 0) {
        throw new ArithmeticException("/ by zero");
      }
      return Optional.of(binary(b, x.get(), y.get()));
    }
    if (e instanceof Expr.Cond c) {
      Optional<Long> k = fold(c.condition());
      Optional<Long> t = fold(c.whenTrue());
      Optional<Long> f = fold(c.whenFalse());
      if (k.isEmpty() || t.isEmpty() || f.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(narrow(c.type(), k.get() != 0 ? t.get() : f.get()));
    }
    if (e instanceof Expr.Length length) {
      return Optional.of((long) length.array().length());
    }
    return e.isConstant() ? Optional.of(constantValue(e)) : Optional.empty();
  }

  /** Whether folding {@code e} succeeds or does not apply; false if it would throw. */
  static boolean foldsCleanly(Expr e) {
    try {
      fold(e);
      return true;
    } catch (ArithmeticException ex) {
      return false;
    }
  }

  private static long unary(Expr.Unary u, long v) {
    switch (u.op()) {
      case "!":
        return v == 0 ? 1 : 0;
      case "-":
        return narrow(u.type(), -v);
      case "~":
        return narrow(u.type(), ~v);
      default:
        return v;
    }
  }

  private static long invoke(JdkMethod m, List<Object> args) {
    try {
      Class<?>[] types = new Class<?>[m.params().size()];
      for (int i = 0; i < types.length; i++) {
        types[i] = primitive(m.params().get(i));
      }
      Object result =
          Class.forName("java.lang." + m.owner())
              .getMethod(m.name(), types)
              .invoke(null, args.toArray());
      return result instanceof Character ch ? ch : ((Number) result).longValue();
    } catch (InvocationTargetException ex) {
      if (ex.getCause() instanceof ArithmeticException ae) {
        throw ae;
      }
      throw new IllegalStateException(ex.getCause());
    } catch (ReflectiveOperationException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static Class<?> primitive(JavaType t) {
    switch (t) {
      case BYTE:
        return byte.class;
      case SHORT:
        return short.class;
      case CHAR:
        return char.class;
      case INT:
        return int.class;
      case LONG:
        return long.class;
      default:
        return boolean.class;
    }
  }

  private static Object boxed(JavaType t, long v) {
    switch (t) {
      case BYTE:
        return (byte) v;
      case SHORT:
        return (short) v;
      case CHAR:
        return (char) v;
      case INT:
        return (int) v;
      case LONG:
        return v;
      default:
        return v != 0;
    }
  }

  private static long binary(Expr.Binary b, long x, long y) {
    boolean wide = b.type() == JavaType.LONG;
    switch (b.op()) {
      case "+":
        return narrow(b.type(), x + y);
      case "-":
        return narrow(b.type(), x - y);
      case "*":
        return narrow(b.type(), x * y);
      case "/":
        return narrow(b.type(), wide ? x / y : (int) x / (int) y);
      case "%":
        return narrow(b.type(), wide ? x % y : (int) x % (int) y);
      case "&":
        return x & y;
      case "|":
        return x | y;
      case "^":
        return x ^ y;
      case "<<":
        return wide ? x << y : (int) x << y;
      case ">>":
        return wide ? x >> y : (int) x >> y;
      case ">>>":
        return wide ? x >>> y : (int) x >>> y;
      case "<":
        return x < y ? 1 : 0;
      case "<=":
        return x <= y ? 1 : 0;
      case ">":
        return x > y ? 1 : 0;
      case ">=":
        return x >= y ? 1 : 0;
      case "==":
        return x == y ? 1 : 0;
      case "!=":
        return x != y ? 1 : 0;
      case "&&":
        return x != 0 && y != 0 ? 1 : 0;
      case "||":
        return x != 0 || y != 0 ? 1 : 0;
      default:
        throw new IllegalArgumentException(b.op());
    }
  }

  private static long narrow(JavaType type, long v) {
    switch (type) {
      case BYTE:
        return (byte) v;
      case SHORT:
        return (short) v;
      case CHAR:
        return (char) v;
      case INT:
        return (int) v;
      default:
        return v;
    }
  }
}
