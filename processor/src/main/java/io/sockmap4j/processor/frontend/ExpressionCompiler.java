package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.PrimitiveKind;
import java.util.Optional;

/**
 * Compiles expressions to instructions that leave their value in a temporary. Conditions used for
 * control flow go through {@link BranchCompiler}; calls go through {@link CallCompiler};
 * assignments through {@link Assignments}; array elements through {@link ArrayCompiler}; switch
 * expressions through {@link SwitchCompiler}.
 */
final class ExpressionCompiler {
  final Emitter out;
  final Frame frame;
  final Temps temps;
  final Typer typer;
  final Names names;
  final Faults faults;
  private final BranchCompiler branches;
  private final CallCompiler calls;
  private final Assignments assignments;
  private final ArrayCompiler arrays;
  private StatementCompiler statements;

  ExpressionCompiler(
      Emitter out, Frame frame, Temps temps, Typer typer, Names names, CallCompiler.Target target) {
    this.out = out;
    this.frame = frame;
    this.temps = temps;
    this.typer = typer;
    this.names = names;
    this.faults = new Faults(out);
    this.branches = new BranchCompiler(this);
    this.calls = new CallCompiler(this, target);
    this.arrays = new ArrayCompiler(this);
    this.assignments = new Assignments(this, arrays);
  }

  BranchCompiler branches() {
    return branches;
  }

  CallCompiler calls() {
    return calls;
  }

  ArrayCompiler arrays() {
    return arrays;
  }

  /**
   * The statement compiler, for the statements inside expressions (inlined method bodies, switch
   * expressions). Set once by the {@link StatementCompiler} built on this compiler.
   */
  StatementCompiler statements() {
    return statements;
  }

  void attach(StatementCompiler statements) {
    this.statements = statements;
  }

  /** Evaluates a scalar expression into a new temporary (unpinned). */
  Temp eval(ExpressionTree e) {
    Optional<Constant> c = typer.constant(e);
    if (c.isPresent()) {
      return constant(c.get(), e);
    }
    switch (e.getKind()) {
      case PARENTHESIZED:
        return eval(((ParenthesizedTree) e).getExpression());
      case IDENTIFIER:
        return readLocal((IdentifierTree) e);
      case METHOD_INVOCATION:
        return calls.call((MethodInvocationTree) e, false);
      case ASSIGNMENT:
        return assignments.assign((AssignmentTree) e);
      case PREFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_INCREMENT:
      case POSTFIX_DECREMENT:
        return assignments.increment((UnaryTree) e);
      case ARRAY_ACCESS:
        return arrays.read((ArrayAccessTree) e);
      case SWITCH_EXPRESSION:
        return statements.switches().expression((SwitchExpressionTree) e);
      case UNARY_MINUS:
      case BITWISE_COMPLEMENT:
      case UNARY_PLUS:
        return unary((UnaryTree) e);
      case LOGICAL_COMPLEMENT:
      case CONDITIONAL_AND:
      case CONDITIONAL_OR:
      case LESS_THAN:
      case LESS_THAN_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_EQUAL:
      case EQUAL_TO:
      case NOT_EQUAL_TO:
        return branches.value(e);
      case CONDITIONAL_EXPRESSION:
        return branches.conditional((ConditionalExpressionTree) e);
      case TYPE_CAST:
        {
          TypeCastTree cast = (TypeCastTree) e;
          return convert(eval(cast.getExpression()), typer.castType(cast), e);
        }
      case NEW_CLASS:
        throw CompileError.unsupported(
            e,
            "a record value here",
            "Records can initialise a local record variable or be the key of a SOCKHASH"
                + " redirect.");
      case MEMBER_SELECT:
        typer.typeOf(e);
        throw CompileError.unsupported(
            e, "using map '" + e + "' as a value", "Call map.redirect(...).");
      default:
        if (e instanceof CompoundAssignmentTree ca) {
          return assignments.compoundAssign(ca);
        }
        if (e instanceof BinaryTree b) {
          return binary(b);
        }
        throw Typer.unsupportedExpression(e);
    }
  }

  /** Evaluates {@code e} and converts it to {@code type} (assignment conversion). */
  Temp evalAs(ExpressionTree e, JType type) {
    JType actual = typer.typeOf(e);
    if (actual.kind() == JType.Kind.VOID) {
      throw CompileError.unsupported(e, "using the result of the void method '" + e + "'", "");
    }
    if (!actual.isScalar() && !(unparen(e) instanceof IdentifierTree)) {
      throw CompileError.unsupported(e, "a " + actual + " value here", "Expected a " + type + ".");
    }
    return convert(eval(e), type, e); // a local that is no scalar: readLocal says what to do
  }

  Register use(Temp t, Tree at) {
    return temps.use(t, at);
  }

  Temp constant(Constant c, Tree at) {
    Temp t = temps.acquire(c.type(), at);
    out.movConst(temps.use(t, at), c.registerValue());
    temps.unpin(t);
    return t;
  }

  private Temp readLocal(IdentifierTree id) {
    JType type = typer.typeOf(id);
    if (!type.isScalar()) {
      throw CompileError.unsupported(
          id,
          "using '" + id + "' (a " + type + ") as a value",
          type.kind() == JType.Kind.CONTEXT
              ? "Call its getters, or pass it as the first argument of map.redirect(...) or of"
                  + " a method of this class."
              : type.kind() == JType.Kind.ARRAY
                  ? "Read and write its elements; arrays cannot be copied or passed."
                  : "Use its components or pass it as a redirect key.");
    }
    Frame.Local local = frame.lookup(id.getName().toString()).orElseThrow();
    Temp t = temps.acquire(type, id);
    out.load(Size.DW, temps.use(t, id), Register.R10, local.offset());
    temps.unpin(t);
    return t;
  }

  /** Converts a temporary to {@code to} with Java's widening and narrowing rules. */
  Temp convert(Temp t, JType to, Tree at) {
    JType from = t.type();
    if (from.equals(to)) {
      return t;
    }
    boolean numeric = from.isNumeric() && to.isNumeric();
    if (!numeric) {
      throw CompileError.unsupported(
          at, "converting " + from + " to " + to, "Java does not allow it either.");
    }
    Register r = temps.use(t, at);
    switch (to.primitive()) {
      case LONG:
        if (from.primitive() != PrimitiveKind.CHAR) {
          out.aluImm(Width.W64, AluOp.LSH, r, 32);
          out.aluImm(Width.W64, AluOp.ARSH, r, 32);
        }
        break;
      case INT:
        if (from.isLong()) {
          out.mov(Width.W32, r, r);
        }
        break;
      case SHORT:
        if (from.primitive() != PrimitiveKind.BYTE) {
          signExtendLow(r, 16);
        }
        break;
      case BYTE:
        signExtendLow(r, 24);
        break;
      case CHAR:
        out.aluImm(Width.W32, AluOp.AND, r, 0xFFFF);
        break;
      default:
        throw new IllegalStateException("conversion to " + to);
    }
    temps.unpin(t);
    return temps.retype(t, to);
  }

  private void signExtendLow(Register r, int shift) {
    out.aluImm(Width.W32, AluOp.LSH, r, shift);
    out.aluImm(Width.W32, AluOp.ARSH, r, shift);
  }

  private Temp unary(UnaryTree u) {
    JType type = typer.typeOf(u);
    Temp t = convert(eval(u.getExpression()), type, u);
    Register r = temps.use(t, u);
    Width w = width(type);
    if (u.getKind() == Tree.Kind.UNARY_MINUS) {
      out.neg(w, r);
    } else if (u.getKind() == Tree.Kind.BITWISE_COMPLEMENT) {
      out.aluImm(w, AluOp.XOR, r, -1);
    }
    temps.unpin(t);
    return t;
  }

  private Temp binary(BinaryTree b) {
    JType type = typer.typeOf(b);
    Tree.Kind kind = b.getKind();
    boolean shift =
        kind == Tree.Kind.LEFT_SHIFT
            || kind == Tree.Kind.RIGHT_SHIFT
            || kind == Tree.Kind.UNSIGNED_RIGHT_SHIFT;
    Temp left = convert(eval(b.getLeftOperand()), type, b.getLeftOperand());
    return applyBinary(kind, type, left, b.getRightOperand(), shift, b);
  }

  /**
   * {@code left = left OP right} in {@code type}; {@code left} already holds the converted left
   * operand. Shared by binary operators and compound assignment.
   */
  Temp applyBinary(
      Tree.Kind kind, JType type, Temp left, ExpressionTree rightTree, boolean shift, Tree at) {
    Width w = width(type);
    Optional<Constant> rc = typer.constant(rightTree);
    if (kind == Tree.Kind.DIVIDE || kind == Tree.Kind.REMAINDER) {
      String operator = kind == Tree.Kind.DIVIDE ? "/" : "%";
      if (rc.isPresent() && rc.get().value() == 0) {
        throw new CompileError(
            DiagnosticId.DivisionByNonConstant,
            rightTree,
            "'"
                + operator
                + "' by the constant zero: Java would throw ArithmeticException, and the kernel"
                + " rejects a constant divisor of zero. Divide by something else: a divisor"
                + " known only at run time is checked when the program runs.");
      }
      if (rc.isEmpty()) {
        return divideByRegister(kind == Tree.Kind.DIVIDE, type, left, rightTree, at);
      }
      SignedDivision.emit(out, temps.use(left, at), w, kind == Tree.Kind.DIVIDE, rc.get().value());
      temps.unpin(left);
      return left;
    }
    AluOp op = aluOp(kind);
    if (rc.isPresent() && (shift || rc.get().fitsImmediate())) {
      long value = rc.get().value();
      int imm = shift ? (int) (value & (type.isLong() ? 63 : 31)) : (int) value;
      out.aluImm(w, op, temps.use(left, at), imm);
      temps.unpin(left);
      return left;
    }
    JType rightType = shift ? typer.typeOf(rightTree).promoted() : type;
    Temp right = convert(eval(rightTree), rightType, rightTree);
    Register l = temps.use(left, at);
    Register r = temps.use(right, at);
    out.alu(w, op, l, r);
    temps.release(right);
    temps.unpin(left);
    return left;
  }

  /** Java's {@code /} or {@code %} by a value known only at run time: zero ends the program. */
  private Temp divideByRegister(
      boolean divide, JType type, Temp left, ExpressionTree rightTree, Tree at) {
    Temp right = convert(eval(rightTree), type, rightTree);
    Register x = temps.use(left, at);
    Register y = temps.use(right, at);
    SignedDivision.byRegister(out, x, y, width(type), divide, faults.label());
    temps.release(right);
    temps.unpin(left);
    return left;
  }

  private static AluOp aluOp(Tree.Kind kind) {
    switch (kind) {
      case PLUS:
      case PLUS_ASSIGNMENT:
        return AluOp.ADD;
      case MINUS:
      case MINUS_ASSIGNMENT:
        return AluOp.SUB;
      case MULTIPLY:
      case MULTIPLY_ASSIGNMENT:
        return AluOp.MUL;
      case AND:
      case AND_ASSIGNMENT:
        return AluOp.AND;
      case OR:
      case OR_ASSIGNMENT:
        return AluOp.OR;
      case XOR:
      case XOR_ASSIGNMENT:
        return AluOp.XOR;
      case LEFT_SHIFT:
      case LEFT_SHIFT_ASSIGNMENT:
        return AluOp.LSH;
      case RIGHT_SHIFT:
      case RIGHT_SHIFT_ASSIGNMENT:
        return AluOp.ARSH;
      case UNSIGNED_RIGHT_SHIFT:
      case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT:
        return AluOp.RSH;
      default:
        throw new IllegalStateException("no ALU op for " + kind);
    }
  }

  static Tree.Kind binaryKindOf(Tree.Kind compound) {
    switch (compound) {
      case DIVIDE_ASSIGNMENT:
        return Tree.Kind.DIVIDE;
      case REMAINDER_ASSIGNMENT:
        return Tree.Kind.REMAINDER;
      case LEFT_SHIFT_ASSIGNMENT:
        return Tree.Kind.LEFT_SHIFT;
      case RIGHT_SHIFT_ASSIGNMENT:
        return Tree.Kind.RIGHT_SHIFT;
      case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT:
        return Tree.Kind.UNSIGNED_RIGHT_SHIFT;
      default:
        return compound;
    }
  }

  static Width width(JType type) {
    return type.isLong() ? Width.W64 : Width.W32;
  }

  /** A new temporary holding r0: where a value computed on several paths meets. */
  Temp fromR0(JType type, Tree at) {
    Temp t = temps.acquire(type, at);
    out.mov(Width.W64, temps.use(t, at), Register.R0);
    temps.unpin(t);
    return t;
  }

  private static ExpressionTree unparen(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }
}
