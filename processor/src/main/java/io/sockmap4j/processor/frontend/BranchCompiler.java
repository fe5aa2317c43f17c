package io.sockmap4j.processor.frontend;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.util.Optional;

/**
 * Compiles conditions straight into conditional jumps, with Java's short-circuit rules: {@code a &&
 * b} never evaluates {@code b} when {@code a} is false. A constant condition becomes an
 * unconditional jump or nothing, so the dead branch is never emitted (the verifier rejects
 * unreachable code).
 */
final class BranchCompiler {
  private final ExpressionCompiler exprs;

  BranchCompiler(ExpressionCompiler exprs) {
    this.exprs = exprs;
  }

  /** Jumps to {@code target} when {@code condition} equals {@code jumpWhen}; else falls through. */
  void branch(ExpressionTree condition, boolean jumpWhen, Label target) {
    Optional<Constant> c = exprs.typer.constant(condition);
    if (c.isPresent()) {
      if ((c.get().value() != 0) == jumpWhen) {
        exprs.out.jump(target);
      }
      return;
    }
    switch (condition.getKind()) {
      case PARENTHESIZED:
        branch(((ParenthesizedTree) condition).getExpression(), jumpWhen, target);
        return;
      case LOGICAL_COMPLEMENT:
        branch(((UnaryTree) condition).getExpression(), !jumpWhen, target);
        return;
      case CONDITIONAL_AND:
      case CONDITIONAL_OR:
        shortCircuit((BinaryTree) condition, jumpWhen, target);
        return;
      case LESS_THAN:
      case LESS_THAN_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_EQUAL:
      case EQUAL_TO:
      case NOT_EQUAL_TO:
        compare((BinaryTree) condition, jumpWhen, target);
        return;
      default:
        JType type = exprs.typer.typeOf(condition);
        if (!type.isBoolean()) {
          throw CompileError.unsupported(
              condition, "a condition of type " + type, "Use a boolean.");
        }
        Temp v = exprs.eval(condition);
        exprs.out.jumpIfImm(
            io.sockmap4j.processor.backend.Width.W32,
            jumpWhen ? JumpOp.JNE : JumpOp.JEQ,
            exprs.use(v, condition),
            0,
            target);
        exprs.temps.release(v);
    }
  }

  private void shortCircuit(BinaryTree b, boolean jumpWhen, Label target) {
    boolean and = b.getKind() == Tree.Kind.CONDITIONAL_AND;
    if (and != jumpWhen) {
      // (a && b) jumps when false: either false jumps; (a || b) jumps when true: either true jumps.
      branch(b.getLeftOperand(), jumpWhen, target);
      branch(b.getRightOperand(), jumpWhen, target);
      return;
    }
    Label skip = exprs.out.newLabel(and ? "and_false" : "or_true");
    branch(b.getLeftOperand(), !and, skip);
    branch(b.getRightOperand(), jumpWhen, target);
    exprs.out.bind(skip);
  }

  private void compare(BinaryTree b, boolean jumpWhen, Label target) {
    ExpressionTree left = b.getLeftOperand();
    ExpressionTree right = b.getRightOperand();
    JType lt = exprs.typer.typeOf(left);
    JType rt = exprs.typer.typeOf(right);
    JumpOp op = jumpOp(b.getKind());
    JType type;
    if (lt.isNumeric() && rt.isNumeric()) {
      type = JType.promote(lt, rt);
    } else if (lt.isScalar() && lt.equals(rt) && (op == JumpOp.JEQ || op == JumpOp.JNE)) {
      type = lt;
    } else {
      throw CompileError.unsupported(
          b,
          "comparing " + lt + " with " + rt,
          "Compare numbers with each other, or booleans, Verdicts and Directions with == and !=.");
    }
    if (!jumpWhen) {
      op = op.negate();
    }
    if (exprs.typer.constant(left).isPresent() && exprs.typer.constant(right).isEmpty()) {
      ExpressionTree swap = left;
      left = right;
      right = swap;
      op = op.swap();
    }
    io.sockmap4j.processor.backend.Width w = ExpressionCompiler.width(type);
    Temp a = exprs.evalAs(left, type);
    Optional<Constant> rc = exprs.typer.constant(right);
    if (rc.isPresent() && new Constant(type, rc.get().value()).fitsImmediate()) {
      exprs.out.jumpIfImm(w, op, exprs.use(a, b), (int) rc.get().value(), target);
    } else {
      Temp c = exprs.evalAs(right, type);
      exprs.out.jumpIf(w, op, exprs.use(a, b), exprs.use(c, b), target);
      exprs.temps.release(c);
    }
    exprs.temps.release(a);
  }

  private static JumpOp jumpOp(Tree.Kind kind) {
    switch (kind) {
      case LESS_THAN:
        return JumpOp.JSLT;
      case LESS_THAN_EQUAL:
        return JumpOp.JSLE;
      case GREATER_THAN:
        return JumpOp.JSGT;
      case GREATER_THAN_EQUAL:
        return JumpOp.JSGE;
      case EQUAL_TO:
        return JumpOp.JEQ;
      default:
        return JumpOp.JNE;
    }
  }

  // ------------------------------------------------------------ conditions as values

  /**
   * A boolean value of a condition. Each path leaves its value in r0, which nothing touches between
   * there and the join, so no register stays reserved while the condition is evaluated:
   *
   * <pre>
   *   if !cond goto no;  r0 = 1;  goto done;  no: r0 = 0;  done: t = r0
   * </pre>
   */
  Temp value(ExpressionTree condition) {
    exprs.temps.spillAll(condition);
    Label no = exprs.out.newLabel("bool_false");
    Label done = exprs.out.newLabel("bool_done");
    branch(condition, false, no);
    exprs.out.movConst(Register.R0, 1);
    exprs.out.jump(done);
    exprs.out.bind(no);
    exprs.out.movConst(Register.R0, 0);
    exprs.out.bind(done);
    return exprs.fromR0(JType.BOOLEAN, condition);
  }

  /** {@code c ? a : b}: each arm leaves its value in r0, as {@link #value} does. */
  Temp conditional(ConditionalExpressionTree ce) {
    JType type = exprs.typer.typeOf(ce);
    exprs.temps.spillAll(ce);
    Label otherwise = exprs.out.newLabel("cond_false");
    Label done = exprs.out.newLabel("cond_done");
    branch(ce.getCondition(), false, otherwise);
    intoR0(ce.getTrueExpression(), type);
    exprs.out.jump(done);
    exprs.out.bind(otherwise);
    intoR0(ce.getFalseExpression(), type);
    exprs.out.bind(done);
    return exprs.fromR0(type, ce);
  }

  private void intoR0(ExpressionTree e, JType type) {
    Temp v = exprs.evalAs(e, type);
    exprs.out.mov(Width.W64, Register.R0, exprs.temps.use(v, e));
    exprs.temps.release(v);
  }
}
