package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.util.List;
import java.util.Optional;

/**
 * Emits the JDK {@link Intrinsic}s with the JDK's results:
 *
 * <ul>
 *   <li>{@code reverseBytes}: {@code BPF_END | BPF_TO_BE} of 16, 32 or 64 bits, a byte swap on the
 *       little-endian hosts eBPF runs on (x86-64, arm64); it zeroes the upper bits, so {@code
 *       Short.reverseBytes} sign-extends again;
 *   <li>unsigned division and remainder: eBPF's {@code /} and {@code %} are unsigned, after a zero
 *       check that leaves through the fault exit (Java throws);
 *   <li>{@code compareUnsigned}, {@code min}, {@code max}: the unsigned ({@code JGT}) or signed
 *       ({@code JSLE}, {@code JSGE}) jumps; {@code abs}: a negation that wraps for {@code
 *       MIN_VALUE}, as Java's does;
 *   <li>rotations: two shifts and an or; eBPF masks a shift count in a register like Java does;
 *   <li>{@code toUnsignedInt}/{@code toUnsignedLong}: a mask, or nothing, since an int's upper half
 *       is already zero in its register.
 * </ul>
 *
 * The jumps inside these sequences only pass over instructions on registers the sequence pins (and
 * r1 as scratch), so every path leaves the temporaries in the same places without a {@link
 * Temps#spillAll}, and no sequence needs more than two temporaries.
 */
final class IntrinsicCompiler {
  /**
   * A scratch register for a value that lives only inside one sequence: argument registers are
   * loaded right before a helper call, and no call happens inside these sequences.
   */
  private static final Register SCRATCH = Register.R1;

  private final ExpressionCompiler exprs;

  IntrinsicCompiler(ExpressionCompiler exprs) {
    this.exprs = exprs;
  }

  Temp compile(CallResolver.Jdk call, MethodInvocationTree inv) {
    List<? extends ExpressionTree> args = inv.getArguments();
    JType type = call.type();
    Temp x = exprs.evalAs(args.get(0), call.operandTypes().get(0));
    Register r = exprs.use(x, inv);
    switch (call.op()) {
      case INTEGER_TO_UNSIGNED_LONG:
        break;
      case BYTE_TO_UNSIGNED_INT:
      case BYTE_TO_UNSIGNED_LONG:
        exprs.out.aluImm(Width.W32, AluOp.AND, r, 0xFF);
        break;
      case SHORT_TO_UNSIGNED_INT:
      case SHORT_TO_UNSIGNED_LONG:
        exprs.out.aluImm(Width.W32, AluOp.AND, r, 0xFFFF);
        break;
      case INTEGER_REVERSE_BYTES:
        exprs.out.toBigEndian(r, 32);
        break;
      case LONG_REVERSE_BYTES:
        exprs.out.toBigEndian(r, 64);
        break;
      case CHARACTER_REVERSE_BYTES:
        exprs.out.toBigEndian(r, 16);
        break;
      case SHORT_REVERSE_BYTES:
        exprs.out.toBigEndian(r, 16);
        exprs.out.aluImm(Width.W32, AluOp.LSH, r, 16);
        exprs.out.aluImm(Width.W32, AluOp.ARSH, r, 16);
        break;
      case MATH_ABS:
        SignedDivision.negateIfNegative(exprs.out, r, ExpressionCompiler.width(type));
        break;
      case MATH_MIN:
      case MATH_MAX:
        minMax(call, x, args.get(1), inv);
        break;
      case INTEGER_COMPARE_UNSIGNED:
      case LONG_COMPARE_UNSIGNED:
        compareUnsigned(call, x, args.get(1), inv);
        break;
      case INTEGER_ROTATE_LEFT:
      case INTEGER_ROTATE_RIGHT:
      case LONG_ROTATE_LEFT:
      case LONG_ROTATE_RIGHT:
        rotate(call, x, args.get(1), inv);
        break;
      default:
        divide(call, x, args.get(1), inv);
        break;
    }
    exprs.temps.unpin(x);
    return exprs.temps.retype(x, type);
  }

  private void minMax(
      CallResolver.Jdk call, Temp x, ExpressionTree other, MethodInvocationTree at) {
    exprs.temps.unpin(x);
    Temp y = exprs.evalAs(other, call.operandTypes().get(1));
    Register a = exprs.use(x, at);
    Register b = exprs.use(y, at);
    Label done = exprs.out.newLabel(call.op() == Intrinsic.MATH_MIN ? "min_done" : "max_done");
    JumpOp keep = call.op() == Intrinsic.MATH_MIN ? JumpOp.JSLE : JumpOp.JSGE;
    Width w = ExpressionCompiler.width(call.type());
    exprs.out.jumpIf(w, keep, a, b, done);
    exprs.out.mov(Width.W64, a, b);
    exprs.out.bind(done);
    exprs.temps.release(y);
  }

  /** {@code 0} if equal, {@code 1} if above, {@code -1} if below, as unsigned numbers. */
  private void compareUnsigned(
      CallResolver.Jdk call, Temp x, ExpressionTree other, MethodInvocationTree at) {
    exprs.temps.unpin(x);
    Temp y = exprs.evalAs(other, call.operandTypes().get(1));
    Register a = exprs.use(x, at);
    Register b = exprs.use(y, at);
    Width w = ExpressionCompiler.width(call.operandTypes().get(0));
    Label done = exprs.out.newLabel("cmp_done");
    exprs.out.movConst(SCRATCH, 0);
    exprs.out.jumpIf(w, JumpOp.JEQ, a, b, done);
    exprs.out.movConst(SCRATCH, 1);
    exprs.out.jumpIf(w, JumpOp.JGT, a, b, done);
    exprs.out.movConst(SCRATCH, 0xFFFF_FFFFL);
    exprs.out.bind(done);
    exprs.out.mov(Width.W64, a, SCRATCH);
    exprs.temps.release(y);
  }

  private void rotate(
      CallResolver.Jdk call, Temp x, ExpressionTree distance, MethodInvocationTree at) {
    Width w = ExpressionCompiler.width(call.type());
    int bits = call.type().isLong() ? 64 : 32;
    boolean left =
        call.op() == Intrinsic.INTEGER_ROTATE_LEFT || call.op() == Intrinsic.LONG_ROTATE_LEFT;
    AluOp first = left ? AluOp.LSH : AluOp.RSH;
    AluOp second = left ? AluOp.RSH : AluOp.LSH;
    Optional<Constant> c = exprs.typer.constant(distance);
    if (c.isPresent()) {
      int k = (int) (c.get().value() & (bits - 1));
      if (k != 0) {
        Register r = exprs.use(x, at);
        exprs.out.mov(Width.W64, SCRATCH, r);
        exprs.out.aluImm(w, first, r, k);
        exprs.out.aluImm(w, second, SCRATCH, bits - k);
        exprs.out.alu(w, AluOp.OR, r, SCRATCH);
      }
      return;
    }
    exprs.temps.unpin(x);
    Temp n = exprs.evalAs(distance, JType.INT);
    Register r = exprs.use(x, at);
    Register s = exprs.use(n, at);
    exprs.out.mov(Width.W64, SCRATCH, r);
    exprs.out.alu(w, first, r, s); // the count is masked to the width, as in Java
    exprs.out.neg(Width.W32, s); // (-n) & (bits - 1) == (bits - n) & (bits - 1)
    exprs.out.alu(w, second, SCRATCH, s);
    exprs.out.alu(w, AluOp.OR, r, SCRATCH);
    exprs.temps.release(n);
  }

  private void divide(
      CallResolver.Jdk call, Temp x, ExpressionTree divisor, MethodInvocationTree at) {
    Width w = ExpressionCompiler.width(call.type());
    boolean remainder =
        call.op() == Intrinsic.INTEGER_REMAINDER_UNSIGNED
            || call.op() == Intrinsic.LONG_REMAINDER_UNSIGNED;
    AluOp op = remainder ? AluOp.MOD : AluOp.DIV;
    Optional<Constant> c = exprs.typer.constant(divisor);
    if (c.isPresent() && c.get().value() == 0) {
      throw new CompileError(
          DiagnosticId.DivisionByNonConstant,
          divisor,
          call.op().javaName()
              + " by the constant zero: Java would throw ArithmeticException, and the kernel"
              + " rejects a constant divisor of zero. Divide by something else: a divisor"
              + " known only at run time is checked when the program runs.");
    }
    // A 64-bit immediate is sign-extended: only 1..2^31-1 divide as the same unsigned number.
    if (c.isPresent()
        && (w == Width.W32 || (c.get().value() > 0 && c.get().value() <= Integer.MAX_VALUE))) {
      exprs.out.aluImm(w, op, exprs.use(x, at), (int) c.get().value());
      return;
    }
    exprs.temps.unpin(x);
    Temp y = exprs.evalAs(divisor, call.operandTypes().get(1));
    Register a = exprs.use(x, at);
    Register b = exprs.use(y, at);
    if (c.isEmpty()) {
      exprs.out.jumpIfImm(w, JumpOp.JEQ, b, 0, exprs.faults.label());
    }
    exprs.out.alu(w, op, a, b);
    exprs.temps.release(y);
  }
}
