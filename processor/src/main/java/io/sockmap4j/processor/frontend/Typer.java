package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.SwitchExpressionTree;
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
 * Computes the static type of expressions; compile-time constants are folded by {@link
 * ConstantFolder} and calls resolved by {@link CallResolver}.
 */
final class Typer {
  private final Names names;
  private final Frame frame;
  private final ConstantFolder folder;
  private final CallResolver calls;

  Typer(Names names, Frame frame, ContextKind context) {
    this.names = names;
    this.frame = frame;
    this.folder = new ConstantFolder(names, frame, this);
    this.calls = new CallResolver(names, frame, context, this);
  }

  /** The value of {@code e} if it is a compile-time constant of the subset. */
  Optional<Constant> constant(ExpressionTree e) {
    return folder.constant(e);
  }

  /** What the call {@code inv} is; a {@link CompileError} if programs cannot make it. */
  CallResolver.Callee callee(MethodInvocationTree inv) {
    return calls.resolve(inv);
  }

  CallResolver resolver() {
    return calls;
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
                + "' is not a map, a compile-time constant, an enum constant or an array length.");
      case METHOD_INVOCATION:
        return callee((MethodInvocationTree) e).type();
      case ARRAY_ACCESS:
        return elementType((ArrayAccessTree) e);
      case NEW_ARRAY:
        return newArrayType((NewArrayTree) e, null);
      case SWITCH_EXPRESSION:
        return switchType((SwitchExpressionTree) e);
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
          return conditionalType(
              typeOf(ce.getTrueExpression()),
              jlsConstant(ce.getTrueExpression()),
              typeOf(ce.getFalseExpression()),
              jlsConstant(ce.getFalseExpression()));
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

  /**
   * The type of {@code c ? a : b} with numeric operands, as JLS 15.25 gives it: the operands' type
   * when they agree; {@code short} for a byte and a short; byte, short or char when the other
   * operand is an {@code int} constant that fits it ({@code c ? (byte) x : 5} is a byte); else
   * binary numeric promotion. The value is the same either way; the type shows in a {@code var}
   * local, which would otherwise skip the narrowing of later compound assignments (found by the
   * differential test).
   */
  static JType conditionalType(
      JType a, Optional<Constant> constantA, JType b, Optional<Constant> constantB) {
    if (a.equals(b) || !a.isNumeric() || !b.isNumeric()) {
      return a;
    }
    if ((a.isPrimitive(PrimitiveKind.BYTE) && b.isPrimitive(PrimitiveKind.SHORT))
        || (a.isPrimitive(PrimitiveKind.SHORT) && b.isPrimitive(PrimitiveKind.BYTE))) {
      return JType.primitive(PrimitiveKind.SHORT);
    }
    if (intConstantFits(constantB, a)) {
      return a;
    }
    if (intConstantFits(constantA, b)) {
      return b;
    }
    return JType.promote(a, b);
  }

  /**
   * The value of {@code e} if it is a constant expression as JLS 15.29 defines it. The compiler
   * knows more values than javac calls constant (a call with constant arguments, the length of an
   * array local), and only JLS constants narrow the type of a conditional.
   */
  Optional<Constant> jlsConstant(ExpressionTree e) {
    Boolean notConstant =
        new com.sun.source.util.TreeScanner<Boolean, Void>() {
          @Override
          public Boolean visitMethodInvocation(MethodInvocationTree inv, Void unused) {
            return true;
          }

          @Override
          public Boolean visitMemberSelect(MemberSelectTree ms, Void unused) {
            return ms.getExpression() instanceof IdentifierTree id
                && frame.lookup(id.getName().toString()).isPresent();
          }

          @Override
          public Boolean reduce(Boolean a, Boolean b) {
            return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
          }
        }.scan(e, null);
    return Boolean.TRUE.equals(notConstant) ? Optional.empty() : constant(e);
  }

  private static boolean intConstantFits(Optional<Constant> constant, JType small) {
    boolean narrow =
        small.isPrimitive(PrimitiveKind.BYTE)
            || small.isPrimitive(PrimitiveKind.SHORT)
            || small.isPrimitive(PrimitiveKind.CHAR);
    return narrow
        && constant.isPresent()
        && constant.get().type().equals(JType.INT)
        && ConstantFolder.narrow(small, constant.get().value()) == constant.get().value();
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

  /**
   * The declared type of a local or parameter: a primitive, an enum (not Direction), a record of
   * primitives, or an array of primitives, whose length (here -1) its initializer gives.
   */
  JType declaredType(Tree type, Tree at) {
    if (type instanceof PrimitiveTypeTree p) {
      PrimitiveKind kind = PrimitiveKind.of(p.getPrimitiveTypeKind());
      if (kind != null) {
        return JType.primitive(kind);
      }
    }
    if (type instanceof ArrayTypeTree a
        && a.getType() instanceof PrimitiveTypeTree p
        && PrimitiveKind.of(p.getPrimitiveTypeKind()) != null) {
      return JType.array(PrimitiveKind.of(p.getPrimitiveTypeKind()), -1);
    }
    Optional<TypeElement> element = names.type(type);
    if (element.isPresent()) {
      String name = element.get().getQualifiedName().toString();
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
      if (element.get().getKind() == ElementKind.ENUM) {
        return JType.enumType(Names.enumInfo(element.get()));
      }
    }
    throw new CompileError(
        DiagnosticId.UnsupportedType,
        at,
        "type '"
            + type
            + "' is not supported in sockmap4j programs. Locals can be boolean, byte, short, char,"
            + " int, long, an enum, a record whose components are such primitives, or an array"
            + " of primitives.");
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
        return CompileError.unsupported(
            e,
            "an array created here",
            "Arrays are local variables declared with their elements or a constant length:"
                + " 'int[] a = new int[8];' or 'long[] b = {1, 2};'.");
      default:
        return CompileError.unsupported(
            e,
            "the expression kind " + kind,
            "See docs/LANGUAGE.md for the expressions programs can use.");
    }
  }

  // ---------------------------------------------------------------- arrays and switches

  private JType elementType(ArrayAccessTree access) {
    JType array = arrayOf(access.getExpression());
    JType index = typeOf(access.getIndex());
    if (!index.isNumeric() || index.isLong()) {
      throw CompileError.unsupported(
          access.getIndex(), "an index of type " + index, "Index arrays with an int.");
    }
    return array.element();
  }

  /** The array local {@code e} names. */
  JType arrayOf(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    if (e instanceof IdentifierTree id) {
      Optional<Frame.Local> local = frame.lookup(id.getName().toString());
      if (local.isPresent() && local.get().type().kind() == JType.Kind.ARRAY) {
        return local.get().type();
      }
      typeOf(e); // an unknown name is reported as such
    }
    throw CompileError.unsupported(
        e, "indexing '" + e + "'", "Only local array variables can be indexed.");
  }

  /**
   * The type of {@code new T[n]} or {@code new T[] {...}}, or of a bare initializer {@code {...}}
   * of a local declared as {@code declared}; the length must be a compile-time constant.
   */
  JType newArrayType(NewArrayTree na, JType declared) {
    PrimitiveKind element;
    if (na.getType() == null) {
      if (declared == null || declared.kind() != JType.Kind.ARRAY) {
        throw unsupportedExpression(na);
      }
      element = declared.primitive();
    } else if (na.getType() instanceof PrimitiveTypeTree p
        && PrimitiveKind.of(p.getPrimitiveTypeKind()) != null) {
      element = PrimitiveKind.of(p.getPrimitiveTypeKind());
    } else {
      throw new CompileError(
          DiagnosticId.UnsupportedType,
          na,
          "arrays of " + na.getType() + " are not supported; arrays hold primitives.");
    }
    if (na.getDimensions().size() > 1 || na.getType() instanceof ArrayTypeTree) {
      throw CompileError.unsupported(
          na, "a multi-dimensional array", "Use a one-dimensional array and compute the index.");
    }
    if (na.getInitializers() != null) {
      return JType.array(element, na.getInitializers().size());
    }
    ExpressionTree dimension = na.getDimensions().get(0);
    Optional<Constant> length = constant(dimension);
    if (length.isEmpty() || !length.get().type().isNumeric() || length.get().type().isLong()) {
      throw CompileError.unsupported(
          dimension,
          "an array length that is not a compile-time constant",
          "The stack is laid out at compile time: use a constant such as 'new int[8]'.");
    }
    if (length.get().value() < 0) {
      throw new CompileError(
          DiagnosticId.IndexOutOfRange,
          dimension,
          "the array length "
              + length.get().value()
              + " is negative: Java would throw NegativeArraySizeException.");
    }
    return JType.array(element, (int) Math.min(length.get().value(), Frame.MAX_STACK + 1));
  }

  private JType switchType(SwitchExpressionTree s) {
    JType result = null;
    for (JType t : SwitchCompiler.resultTypes(s, this, frame)) {
      if (result == null || result.equals(t)) {
        result = t;
      } else if (result.isNumeric() && t.isNumeric()) {
        result = JType.promote(result, t);
      } else {
        throw CompileError.unsupported(
            s,
            "a switch expression whose results are " + result + " and " + t,
            "Give every case a value of the same type.");
      }
    }
    if (result == null) {
      throw CompileError.unsupported(s, "a switch expression without a result", "");
    }
    return result;
  }
}
