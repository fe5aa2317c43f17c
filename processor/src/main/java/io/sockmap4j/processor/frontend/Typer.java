package io.sockmap4j.processor.frontend;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.model.ContextKind;
import io.sockmap4j.processor.model.DeclarationReader;
import io.sockmap4j.processor.model.PrimitiveKind;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;

/**
 * Computes the static type of expressions and folds compile-time constants with Java's exact
 * semantics (32-bit wrap for int, 64-bit for long, masked shift counts, truncating division).
 */
final class Typer {
  private final Names names;
  private final Frame frame;
  private final ContextKind context;

  Typer(Names names, Frame frame, ContextKind context) {
    this.names = names;
    this.frame = frame;
    this.context = context;
  }

  /** The type of {@code e}; a {@link CompileError} if it uses something outside the subset. */
  JType typeOf(ExpressionTree e) {
    Optional<Constant> c = constant(e);
    if (c.isPresent()) {
      return c.get().type();
    }
    switch (e.getKind()) {
      case PARENTHESIZED:
        return typeOf(((ParenthesizedTree) e).getExpression());
      case IDENTIFIER:
        return identifierType((IdentifierTree) e);
      case MEMBER_SELECT:
        if (names.map(e, frame).isPresent()) {
          return JType.map(names.map(e, frame).get());
        }
        throw new CompileError(
            DiagnosticId.UnknownName,
            e,
            "'"
                + e
                + "' is not a map, a compile-time constant or an enum constant of Verdict or"
                + " Direction.");
      case METHOD_INVOCATION:
        return invocationType((MethodInvocationTree) e);
      case ASSIGNMENT:
        return typeOf(((com.sun.source.tree.AssignmentTree) e).getVariable());
      case PREFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_INCREMENT:
      case POSTFIX_DECREMENT:
        return typeOf(((UnaryTree) e).getExpression());
      case UNARY_MINUS:
      case UNARY_PLUS:
      case BITWISE_COMPLEMENT:
        return numeric(((UnaryTree) e).getExpression()).promoted();
      case LOGICAL_COMPLEMENT:
        return JType.BOOLEAN;
      case CONDITIONAL_EXPRESSION:
        {
          ConditionalExpressionTree ce = (ConditionalExpressionTree) e;
          JType a = typeOf(ce.getTrueExpression());
          JType b = typeOf(ce.getFalseExpression());
          return a.isNumeric() && b.isNumeric() && !a.equals(b) ? JType.promote(a, b) : a;
        }
      case TYPE_CAST:
        return castType((TypeCastTree) e);
      case NEW_CLASS:
        return JType.record(recordOf((NewClassTree) e));
      default:
        if (e instanceof CompoundAssignmentTree ca) {
          return typeOf(ca.getVariable());
        }
        if (e instanceof BinaryTree b) {
          return binaryType(b);
        }
        throw unsupportedExpression(e);
    }
  }

  JType binaryType(BinaryTree b) {
    switch (b.getKind()) {
      case LESS_THAN:
      case LESS_THAN_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_EQUAL:
      case EQUAL_TO:
      case NOT_EQUAL_TO:
      case CONDITIONAL_AND:
      case CONDITIONAL_OR:
        return JType.BOOLEAN;
      case LEFT_SHIFT:
      case RIGHT_SHIFT:
      case UNSIGNED_RIGHT_SHIFT:
        numeric(b.getRightOperand());
        return numeric(b.getLeftOperand()).promoted();
      case AND:
      case OR:
      case XOR:
        if (typeOf(b.getLeftOperand()).isBoolean()) {
          return JType.BOOLEAN;
        }
        return JType.promote(numeric(b.getLeftOperand()), numeric(b.getRightOperand()));
      case PLUS:
      case MINUS:
      case MULTIPLY:
      case DIVIDE:
      case REMAINDER:
        return JType.promote(numeric(b.getLeftOperand()), numeric(b.getRightOperand()));
      default:
        throw unsupportedExpression(b);
    }
  }

  private JType numeric(ExpressionTree e) {
    JType t = typeOf(e);
    if (!t.isNumeric()) {
      throw CompileError.unsupported(
          e, "arithmetic on a value of type " + t, "Use int or long operands.");
    }
    return t;
  }

  private JType identifierType(IdentifierTree id) {
    String name = id.getName().toString();
    Optional<Frame.Local> local = frame.lookup(name);
    if (local.isPresent()) {
      return local.get().type();
    }
    if (names.isContext(id)) {
      return JType.CONTEXT;
    }
    if (names.map(id, frame).isPresent()) {
      return JType.map(names.map(id, frame).get());
    }
    throw new CompileError(
        DiagnosticId.UnknownName,
        id,
        "'"
            + name
            + "' is not a local variable, the context parameter '"
            + names.contextName()
            + "', a map field of this class or a static final compile-time constant. Instance"
            + " fields and non-constant static fields cannot be read by programs.");
  }

  private JType invocationType(MethodInvocationTree inv) {
    if (inv.getMethodSelect() instanceof MemberSelectTree ms) {
      String method = ms.getIdentifier().toString();
      ExpressionTree receiver = ms.getExpression();
      if (names.isContext(receiver)) {
        return ContextFields.lookup(context, method)
            .map(ContextFields.Getter::type)
            .orElseThrow(() -> unknownGetter(ms, method));
      }
      if (names.map(receiver, frame).isPresent() && method.equals("redirect")) {
        return JType.VERDICT;
      }
      if (receiver instanceof IdentifierTree id) {
        Optional<Frame.Local> local = frame.lookup(id.getName().toString());
        if (local.isPresent() && local.get().type().kind() == JType.Kind.RECORD) {
          return local
              .get()
              .type()
              .record()
              .field(method)
              .map(f -> JType.primitive(f.kind()))
              .orElseThrow(
                  () ->
                      new CompileError(
                          DiagnosticId.UnknownMethod,
                          ms,
                          "record " + local.get().type() + " has no component '" + method + "'."));
        }
      }
    }
    throw new CompileError(
        DiagnosticId.UnknownMethod,
        inv,
        "unknown method call '"
            + inv.getMethodSelect()
            + "(...)'. Programs can call the context getters ("
            + names.contextName()
            + "."
            + ContextFields.names(context).replace(", ", "(), " + names.contextName() + ".")
            + "()), map.redirect(...), and record component accessors; calls to other"
            + " methods are not supported yet.");
  }

  private CompileError unknownGetter(Tree at, String method) {
    return new CompileError(
        DiagnosticId.UnknownMethod,
        at,
        context.simpleName()
            + " has no getter '"
            + method
            + "()' that programs can use; available: "
            + ContextFields.names(context)
            + ".");
  }

  JType castType(TypeCastTree cast) {
    if (cast.getType() instanceof PrimitiveTypeTree p) {
      PrimitiveKind kind = PrimitiveKind.of(p.getPrimitiveTypeKind());
      if (kind != null
          && kind != PrimitiveKind.BOOLEAN
          && typeOf(cast.getExpression()).isNumeric()) {
        return JType.primitive(kind);
      }
      if (kind == PrimitiveKind.BOOLEAN && typeOf(cast.getExpression()).isBoolean()) {
        return JType.BOOLEAN;
      }
    }
    throw CompileError.unsupported(
        cast,
        "the cast to " + cast.getType(),
        "Casts between byte, short, char, int and long are.");
  }

  /** The declared type of a local: a primitive, Verdict, or a record of primitives. */
  JType declaredType(Tree type, Tree at) {
    if (type instanceof PrimitiveTypeTree p) {
      PrimitiveKind kind = PrimitiveKind.of(p.getPrimitiveTypeKind());
      if (kind != null) {
        return JType.primitive(kind);
      }
    }
    Optional<TypeElement> element = names.type(type);
    if (element.isPresent()) {
      String name = element.get().getQualifiedName().toString();
      if (name.equals("io.sockmap4j.Verdict")) {
        return JType.VERDICT;
      }
      if (name.equals("io.sockmap4j.Direction")) {
        throw new CompileError(
            DiagnosticId.UnsupportedType,
            at,
            "a Direction cannot be kept in a local: the kernel takes it as a flag fixed in the"
                + " instruction stream. Write Direction.EGRESS or Direction.INGRESS in the"
                + " redirect call itself.");
      }
      if (element.get().getKind() == ElementKind.RECORD) {
        return DeclarationReader.recordLayout(element.get())
            .map(JType::record)
            .orElseThrow(() -> recordOfPrimitivesOnly(at, name));
      }
    }
    throw new CompileError(
        DiagnosticId.UnsupportedType,
        at,
        "type '"
            + type
            + "' is not supported in sockmap4j programs. Locals can be boolean, byte, short, char,"
            + " int, long, Verdict, or a record whose components are such primitives.");
  }

  io.sockmap4j.processor.model.RecordLayout recordOf(NewClassTree nc) {
    if (nc.getClassBody() != null || nc.getEnclosingExpression() != null) {
      throw CompileError.unsupported(nc, "an anonymous class", "Construct a record of primitives.");
    }
    Optional<TypeElement> element = names.type(nc.getIdentifier());
    if (element.isEmpty() || element.get().getKind() != ElementKind.RECORD) {
      throw CompileError.unsupported(
          nc,
          "creating objects with 'new " + nc.getIdentifier() + "(...)'",
          "Only records of primitives can be created, as map keys.");
    }
    return DeclarationReader.recordLayout(element.get())
        .orElseThrow(() -> recordOfPrimitivesOnly(nc, element.get().getQualifiedName().toString()));
  }

  private static CompileError recordOfPrimitivesOnly(Tree at, String name) {
    return new CompileError(
        DiagnosticId.UnsupportedType,
        at,
        "record "
            + name
            + " has components that are not primitives; programs can use records whose"
            + " components are boolean, byte, short, char, int or long.");
  }

  static CompileError unsupportedExpression(Tree e) {
    String kind = e.getKind().toString().toLowerCase(java.util.Locale.ROOT);
    switch (e.getKind()) {
      case STRING_LITERAL:
        return CompileError.unsupported(
            e, "a String", "Programs work on primitives; the kernel has no Java objects.");
      case NULL_LITERAL:
        return CompileError.unsupported(e, "null", "Programs have no references.");
      case LAMBDA_EXPRESSION:
      case MEMBER_REFERENCE:
        return CompileError.unsupported(
            e, "a lambda or method reference", "Write the code inline in the program method.");
      case NEW_ARRAY:
      case ARRAY_ACCESS:
        return CompileError.unsupported(
            e, "an array", "Use separate local variables, or a record of primitives.");
      default:
        return CompileError.unsupported(
            e,
            "the expression kind " + kind,
            "See docs/LANGUAGE.md for the expressions programs can use.");
    }
  }

  // ---------------------------------------------------------------- constant folding

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
          JType to = castType(cast);
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
          JType ta = a.get().type();
          JType tb = b.get().type();
          JType type =
              ta.isNumeric() && tb.isNumeric() && !ta.equals(tb) ? JType.promote(ta, tb) : ta;
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
    Optional<TypeElement> owner = names.type(ms.getExpression());
    if (owner.isEmpty()) {
      return Optional.empty();
    }
    String ownerName = owner.get().getQualifiedName().toString();
    if (ownerName.equals("io.sockmap4j.Verdict")) {
      return enumConstant(ms, JType.VERDICT, member, "DROP", "PASS");
    }
    if (ownerName.equals("io.sockmap4j.Direction")) {
      return enumConstant(ms, JType.DIRECTION, member, "EGRESS", "INGRESS");
    }
    return names.constantField(owner.get(), member);
  }

  private static Optional<Constant> enumConstant(
      Tree at, JType type, String member, String... constants) {
    for (int i = 0; i < constants.length; i++) {
      if (constants[i].equals(member)) {
        return Optional.of(new Constant(type, i));
      }
    }
    throw new CompileError(DiagnosticId.UnknownName, at, type + " has no constant " + member + ".");
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
    JType type = binaryType(b);
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
