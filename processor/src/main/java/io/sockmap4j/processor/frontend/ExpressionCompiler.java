package io.sockmap4j.processor.frontend;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.PrimitiveKind;
import java.util.Optional;

/**
 * Compiles expressions to instructions that leave their value in a temporary. Conditions used for
 * control flow go through {@link BranchCompiler}; calls go through {@link CallCompiler}.
 */
final class ExpressionCompiler {
  final Emitter out;
  final Frame frame;
  final Temps temps;
  final Typer typer;
  final Names names;
  private final BranchCompiler branches;
  private final CallCompiler calls;

  ExpressionCompiler(
      Emitter out, Frame frame, Temps temps, Typer typer, Names names, CallCompiler.Target target) {
    this.out = out;
    this.frame = frame;
    this.temps = temps;
    this.typer = typer;
    this.names = names;
    this.branches = new BranchCompiler(this);
    this.calls = new CallCompiler(this, target);
  }

  BranchCompiler branches() {
    return branches;
  }

  CallCompiler calls() {
    return calls;
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
        return assign((AssignmentTree) e);
      case PREFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_INCREMENT:
      case POSTFIX_DECREMENT:
        return increment((UnaryTree) e);
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
        return materialize(e);
      case CONDITIONAL_EXPRESSION:
        return conditional((ConditionalExpressionTree) e);
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
          return compoundAssign(ca);
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
    if (!actual.isScalar()) {
      throw CompileError.unsupported(e, "a " + actual + " value here", "Expected a " + type + ".");
    }
    return convert(eval(e), type, e);
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
              ? "Call its getters, or pass it as the first argument of map.redirect(...)."
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
                + " rejects a constant divisor of zero. Divide by a non-zero constant.");
      }
      if (rc.isEmpty()) {
        throw new CompileError(
            DiagnosticId.DivisionByNonConstant,
            rightTree,
            "the divisor of '"
                + operator
                + "' must be a non-zero compile-time constant: eBPF defines x / 0 as 0 where"
                + " Java throws, so sockmap4j only divides by values it can prove non-zero."
                + " Use a static final constant, or a shift or mask for powers of two.");
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

  private static Tree.Kind binaryKindOf(Tree.Kind compound) {
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

  // ------------------------------------------------------------ assignment

  private Frame.Local assignable(ExpressionTree target) {
    if (target instanceof ParenthesizedTree p) {
      return assignable(p.getExpression());
    }
    if (target instanceof IdentifierTree id) {
      Optional<Frame.Local> local = frame.lookup(id.getName().toString());
      if (local.isPresent()) {
        return local.get();
      }
      throw CompileError.unsupported(
          target,
          "assigning to '" + id + "'",
          "Programs can only assign local variables; fields are read-only (static final"
              + " constants) or maps.");
    }
    throw CompileError.unsupported(
        target, "assigning to '" + target + "'", "Programs can only assign local variables.");
  }

  private Temp assign(AssignmentTree a) {
    Frame.Local local = assignable(a.getVariable());
    if (local.type().kind() == JType.Kind.RECORD) {
      calls.buildRecordInto(a.getExpression(), local.type().record(), local.offset());
      return null;
    }
    Temp v = evalAs(a.getExpression(), local.type());
    out.store(Size.DW, Register.R10, local.offset(), temps.use(v, a));
    temps.unpin(v);
    return v;
  }

  private Temp compoundAssign(CompoundAssignmentTree ca) {
    Frame.Local local = assignable(ca.getVariable());
    JType varType = local.type();
    Tree.Kind kind = binaryKindOf(ca.getKind());
    boolean shift =
        kind == Tree.Kind.LEFT_SHIFT
            || kind == Tree.Kind.RIGHT_SHIFT
            || kind == Tree.Kind.UNSIGNED_RIGHT_SHIFT;
    JType rightType = typer.typeOf(ca.getExpression());
    if (!varType.isNumeric() && !(varType.isBoolean() && rightType.isBoolean())) {
      throw CompileError.unsupported(ca, "compound assignment to a " + varType, "");
    }
    JType opType =
        varType.isBoolean()
            ? JType.BOOLEAN
            : shift ? varType.promoted() : JType.promote(varType, rightType);
    Temp t = temps.acquire(varType, ca);
    out.load(Size.DW, temps.use(t, ca), Register.R10, local.offset());
    temps.unpin(t);
    t = convert(t, opType, ca);
    t = applyBinary(kind, opType, t, ca.getExpression(), shift, ca);
    t = convert(t, varType, ca);
    out.store(Size.DW, Register.R10, local.offset(), temps.use(t, ca));
    temps.unpin(t);
    return t;
  }

  private Temp increment(UnaryTree u) {
    Frame.Local local = assignable(u.getExpression());
    if (!local.type().isNumeric()) {
      throw CompileError.unsupported(u, "++/-- on a " + local.type(), "");
    }
    boolean up =
        u.getKind() == Tree.Kind.PREFIX_INCREMENT || u.getKind() == Tree.Kind.POSTFIX_INCREMENT;
    boolean postfix =
        u.getKind() == Tree.Kind.POSTFIX_INCREMENT || u.getKind() == Tree.Kind.POSTFIX_DECREMENT;
    JType type = local.type();
    Temp updated = temps.acquire(type.promoted(), u);
    Register r = temps.use(updated, u);
    out.load(Size.DW, r, Register.R10, local.offset());
    Temp old = null;
    if (postfix) {
      old = temps.acquire(type, u);
      out.mov(Width.W64, temps.use(old, u), r);
      temps.unpin(old);
    }
    out.aluImm(width(type), AluOp.ADD, r, up ? 1 : -1);
    temps.unpin(updated);
    updated = convert(updated, type, u);
    out.store(Size.DW, Register.R10, local.offset(), temps.use(updated, u));
    temps.unpin(updated);
    if (postfix) {
      temps.release(updated);
      return old;
    }
    return updated;
  }

  // ------------------------------------------------------------ control flow in expressions

  /** A boolean value of a condition: {@code r = 1; if (cond) goto done; r = 0; done:}. */
  private Temp materialize(ExpressionTree condition) {
    temps.spillAll(condition);
    Temp t = temps.acquire(JType.BOOLEAN, condition);
    Register r = temps.use(t, condition);
    Label done = out.newLabel("bool_done");
    out.movConst(r, 1);
    branches.branch(condition, true, done);
    out.movConst(r, 0);
    out.bind(done);
    temps.unpin(t);
    return t;
  }

  private Temp conditional(ConditionalExpressionTree ce) {
    JType type = typer.typeOf(ce);
    temps.spillAll(ce);
    Temp result = temps.acquire(type, ce);
    Register r = temps.use(result, ce);
    Label otherwise = out.newLabel("cond_false");
    Label done = out.newLabel("cond_done");
    branches.branch(ce.getCondition(), false, otherwise);
    moveInto(r, ce.getTrueExpression(), type);
    out.jump(done);
    out.bind(otherwise);
    moveInto(r, ce.getFalseExpression(), type);
    out.bind(done);
    temps.unpin(result);
    return result;
  }

  private void moveInto(Register target, ExpressionTree e, JType type) {
    Temp v = evalAs(e, type);
    out.mov(Width.W64, target, temps.use(v, e));
    temps.release(v);
  }
}
