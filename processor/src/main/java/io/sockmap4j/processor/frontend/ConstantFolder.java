package io.sockmap4j.processor.frontend;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.model.PrimitiveKind;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;

/**
 * Folds compile-time constants with Java's exact semantics (32-bit wrap for int, 64-bit for long,
 * masked shift counts, truncating division). Beyond Java's constant expressions it also folds enum
 * constants (to their ordinals), {@code array.length}, {@code E.ordinal()} and the JDK {@link
 * Intrinsic}s with constant arguments, by calling the JDK method itself.
 */
final class ConstantFolder {
  private final Names names;
  private final Frame frame;
  private final Typer typer;

  ConstantFolder(Names names, Frame frame, Typer typer) {
    this.names = names;
    this.frame = frame;
    this.typer = typer;
  }

  /** The value of {@code e} if it is a compile-time constant of the subset. */
  Optional<Constant> constant(ExpressionTree e) {
    switch (e.getKind()) {
      case INT_LITERAL:
        return Optional.of(new Constant(JType.INT, (Integer) ((LiteralTree) e).getValue()));
      case LONG_LITERAL:
        return Optional.of(new Constant(JType.LONG, (Long) ((LiteralTree) e).getValue()));
      case BOOLEAN_LITERAL:
        return Optional.of(
            new Constant(JType.BOOLEAN, (Boolean) ((LiteralTree) e).getValue() ? 1 : 0));
      case CHAR_LITERAL:
        return Optional.of(
            new Constant(
                JType.primitive(PrimitiveKind.CHAR), (Character) ((LiteralTree) e).getValue()));
      case PARENTHESIZED:
        return constant(((ParenthesizedTree) e).getExpression());
      case IDENTIFIER:
        {
          String name = ((IdentifierTree) e).getName().toString();
          if (frame.lookup(name).isPresent() || names.isContext(e)) {
            return Optional.empty();
          }
          return names.constant(name);
        }
      case MEMBER_SELECT:
        return memberConstant((MemberSelectTree) e);
      case METHOD_INVOCATION:
        return callConstant((MethodInvocationTree) e);
      case UNARY_MINUS:
      case UNARY_PLUS:
      case BITWISE_COMPLEMENT:
      case LOGICAL_COMPLEMENT:
        return constant(((UnaryTree) e).getExpression()).map(c -> foldUnary(e.getKind(), c));
      case TYPE_CAST:
        {
          TypeCastTree cast = (TypeCastTree) e;
          Optional<Constant> inner = constant(cast.getExpression());
          if (inner.isEmpty()) {
            return inner;
          }
          JType to = typer.castType(cast);
          return Optional.of(new Constant(to, narrow(to, inner.get().value())));
        }
      case CONDITIONAL_EXPRESSION:
        {
          ConditionalExpressionTree ce = (ConditionalExpressionTree) e;
          Optional<Constant> cond = constant(ce.getCondition());
          Optional<Constant> a = constant(ce.getTrueExpression());
          Optional<Constant> b = constant(ce.getFalseExpression());
          if (cond.isEmpty() || a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
          }
          // As typeOf(ce) computes it, which cannot be called here: it asks for this constant.
          JType type =
              Typer.conditionalType(
                  a.get().type(),
                  typer.jlsConstant(ce.getTrueExpression()),
                  b.get().type(),
                  typer.jlsConstant(ce.getFalseExpression()));
          Constant chosen = cond.get().value() != 0 ? a.get() : b.get();
          return Optional.of(new Constant(type, narrow(type, chosen.value())));
        }
      default:
        if (e instanceof BinaryTree b) {
          Optional<Constant> l = constant(b.getLeftOperand());
          Optional<Constant> r = constant(b.getRightOperand());
          if (l.isPresent() && r.isPresent()) {
            return foldBinary(b, l.get(), r.get());
          }
        }
        return Optional.empty();
    }
  }

  private Optional<Constant> memberConstant(MemberSelectTree ms) {
    String member = ms.getIdentifier().toString();
    if (ms.getExpression() instanceof IdentifierTree id) {
      Optional<Frame.Local> local = frame.lookup(id.getName().toString());
      if (local.isPresent()) {
        if (local.get().type().kind() == JType.Kind.ARRAY && member.equals("length")) {
          return Optional.of(new Constant(JType.INT, local.get().type().length()));
        }
        return Optional.empty();
      }
      if (names.isContext(id)) {
        return Optional.empty();
      }
    }
    Optional<TypeElement> owner = names.type(ms.getExpression());
    if (owner.isEmpty()) {
      return Optional.empty();
    }
    if (owner.get().getKind() == ElementKind.ENUM) {
      JType type = JType.enumType(Names.enumInfo(owner.get()));
      int ordinal = type.enumInfo().ordinal(member);
      if (ordinal >= 0) {
        return Optional.of(new Constant(type, ordinal));
      }
      Optional<Constant> field = names.constantField(owner.get(), member);
      if (field.isEmpty()) {
        throw new CompileError(
            DiagnosticId.UnknownName, ms, type + " has no constant " + member + ".");
      }
      return field;
    }
    return names.constantField(owner.get(), member);
  }

  /** {@code E.ordinal()} of a constant, and intrinsics whose arguments are all constants. */
  private Optional<Constant> callConstant(MethodInvocationTree inv) {
    if (!(inv.getMethodSelect() instanceof MemberSelectTree ms)) {
      return Optional.empty();
    }
    ExpressionTree receiver = ms.getExpression();
    String method = ms.getIdentifier().toString();
    if (receiver instanceof IdentifierTree id
        && (frame.lookup(id.getName().toString()).isPresent() || names.isContext(id))) {
      return Optional.empty();
    }
    if (method.equals("ordinal") && inv.getArguments().isEmpty()) {
      return constant(receiver)
          .filter(c -> c.type().isEnum())
          .map(c -> new Constant(JType.INT, c.value()));
    }
    Optional<TypeElement> owner = names.type(receiver);
    if (owner.isEmpty()
        || Intrinsic.lookup(owner.get().getQualifiedName().toString(), method).isEmpty()) {
      return Optional.empty();
    }
    List<? extends ExpressionTree> args = inv.getArguments();
    long[] values = new long[args.size()];
    for (int i = 0; i < args.size(); i++) {
      Optional<Constant> c = constant(args.get(i));
      if (c.isEmpty()) {
        return Optional.empty();
      }
      values[i] = c.get().value();
    }
    CallResolver.Jdk call = (CallResolver.Jdk) typer.callee(inv);
    for (int i = 0; i < values.length; i++) {
      values[i] = narrow(call.operandTypes().get(i), values[i]);
    }
    return call.op()
        .fold(call.type(), values)
        .map(v -> new Constant(call.type(), narrow(call.type(), v)));
  }

  private static Constant foldUnary(Tree.Kind kind, Constant c) {
    JType t = c.type().isBoolean() ? JType.BOOLEAN : c.type().promoted();
    switch (kind) {
      case UNARY_MINUS:
        return new Constant(t, narrow(t, -c.value()));
      case BITWISE_COMPLEMENT:
        return new Constant(t, narrow(t, ~c.value()));
      case LOGICAL_COMPLEMENT:
        return new Constant(JType.BOOLEAN, c.value() == 0 ? 1 : 0);
      default:
        return new Constant(t, c.value());
    }
  }

  private Optional<Constant> foldBinary(BinaryTree b, Constant l, Constant r) {
    JType type = typer.binaryType(b);
    boolean wide = JType.promote(l.type(), r.type()).isLong();
    long x = l.value();
    long y = r.value();
    long v;
    switch (b.getKind()) {
      case PLUS:
        v = x + y;
        break;
      case MINUS:
        v = x - y;
        break;
      case MULTIPLY:
        v = x * y;
        break;
      case DIVIDE:
      case REMAINDER:
        if (y == 0) {
          return Optional.empty(); // reported when compiled
        }
        v = b.getKind() == Tree.Kind.DIVIDE ? x / y : x % y;
        break;
      case AND:
        v = x & y;
        break;
      case OR:
        v = x | y;
        break;
      case XOR:
        v = x ^ y;
        break;
      case LEFT_SHIFT:
        v = type.isLong() ? x << (y & 63) : (int) x << (y & 31);
        break;
      case RIGHT_SHIFT:
        v = type.isLong() ? x >> (y & 63) : (int) x >> (y & 31);
        break;
      case UNSIGNED_RIGHT_SHIFT:
        v = type.isLong() ? x >>> (y & 63) : (int) x >>> (y & 31);
        break;
      case LESS_THAN:
        v = x < y ? 1 : 0;
        break;
      case LESS_THAN_EQUAL:
        v = x <= y ? 1 : 0;
        break;
      case GREATER_THAN:
        v = x > y ? 1 : 0;
        break;
      case GREATER_THAN_EQUAL:
        v = x >= y ? 1 : 0;
        break;
      case EQUAL_TO:
        v = x == y ? 1 : 0;
        break;
      case NOT_EQUAL_TO:
        v = x != y ? 1 : 0;
        break;
      case CONDITIONAL_AND:
        v = x != 0 && y != 0 ? 1 : 0;
        break;
      case CONDITIONAL_OR:
        v = x != 0 || y != 0 ? 1 : 0;
        break;
      default:
        return Optional.empty();
    }
    if (!wide && type.isNumeric()) {
      v = (int) v;
    }
    return Optional.of(new Constant(type, narrow(type, v)));
  }

  /** Java's narrowing of a value to {@code type}. */
  static long narrow(JType type, long v) {
    if (type.kind() != JType.Kind.PRIMITIVE) {
      return v;
    }
    switch (type.primitive()) {
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
