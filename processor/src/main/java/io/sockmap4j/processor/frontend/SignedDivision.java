package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Width;

/**
 * Java's signed {@code /} and {@code %} on eBPF's unsigned division (signed division instructions
 * need cpu v4, Linux 6.6; these sequences run on any kernel). By a non-zero constant:
 *
 * <pre>
 *   if (x &lt; 0) x = -((-x) udiv |d|) else x = x udiv |d|;   then negate again if d &lt; 0 (for /)
 * </pre>
 *
 * By a register, after a zero check that leaves through the {@linkplain Faults fault exit} (Java
 * throws {@code ArithmeticException}; eBPF would return 0):
 *
 * <pre>
 *   if y == 0 goto fault
 *   s = x ^ y   (for /: negative when the signs differ)   or   s = x   (for %: the dividend's sign)
 *   if x s&lt; 0: x = -x      if y s&lt; 0: y = -y
 *   x = x udiv y   (or umod)
 *   if s s&lt; 0: x = -x
 * </pre>
 *
 * The remainder takes the dividend's sign and ignores the divisor's, as in Java. {@code MIN_VALUE /
 * -1} is {@code MIN_VALUE}, as in Java, because negation wraps: {@code -MIN_VALUE} read as unsigned
 * is exactly the magnitude 2^31 (or 2^63).
 */
final class SignedDivision {
  /**
   * Holds a divisor too large for an immediate, or the sign of a division by a register. An
   * argument register is free here: the frontend loads r1-r5 only right before a helper call, and
   * no call happens inside a division.
   */
  private static final Register SCRATCH = Register.R1;

  private SignedDivision() {}

  static void emit(Emitter out, Register x, Width w, boolean divide, long divisor) {
    if (divisor == 1 || divisor == -1) {
      if (!divide) {
        out.movConst(x, 0);
      } else if (divisor == -1) {
        out.neg(w, x);
      }
      return;
    }
    // |Long.MIN_VALUE| wraps to itself; read as unsigned it is 2^63, which is what udiv needs.
    long magnitude = Math.abs(divisor);
    boolean fits =
        w == Width.W32
            ? magnitude <= 0x8000_0000L
            : magnitude > 0 && magnitude <= Integer.MAX_VALUE;
    if (!fits) {
      // A 64-bit immediate is sign-extended from 32 bits: larger divisors go through SCRATCH.
      out.movConst(SCRATCH, magnitude);
    }
    AluOp op = divide ? AluOp.DIV : AluOp.MOD;
    Label negative = out.newLabel("div_negative");
    Label done = out.newLabel("div_done");
    out.jumpIfImm(w, JumpOp.JSLT, x, 0, negative);
    unsignedOp(out, op, x, w, fits, magnitude);
    out.jump(done);
    out.bind(negative);
    out.neg(w, x);
    unsignedOp(out, op, x, w, fits, magnitude);
    out.neg(w, x);
    out.bind(done);
    if (divide && divisor < 0) {
      out.neg(w, x);
    }
  }

  /**
   * {@code x = x / y} or {@code x % y} with Java's semantics; {@code y} is clobbered, and the sign
   * is kept in {@link #SCRATCH}. Emits no temporaries' spills: every register is the caller's, so
   * all paths agree.
   */
  static void byRegister(
      Emitter out, Register x, Register y, Width w, boolean divide, Label fault) {
    Register sign = SCRATCH;
    out.jumpIfImm(w, JumpOp.JEQ, y, 0, fault);
    out.mov(w, sign, x);
    if (divide) {
      out.alu(w, AluOp.XOR, sign, y);
    }
    negateIfNegative(out, x, w);
    negateIfNegative(out, y, w);
    out.alu(w, divide ? AluOp.DIV : AluOp.MOD, x, y);
    Label positive = out.newLabel("div_positive");
    out.jumpIfImm(w, JumpOp.JSGE, sign, 0, positive);
    out.neg(w, x);
    out.bind(positive);
  }

  /** {@code if (r < 0) r = -r}: the magnitude, which udiv reads correctly even for MIN_VALUE. */
  static void negateIfNegative(Emitter out, Register r, Width w) {
    Label done = out.newLabel("abs_done");
    out.jumpIfImm(w, JumpOp.JSGE, r, 0, done);
    out.neg(w, r);
    out.bind(done);
  }

  private static void unsignedOp(
      Emitter out, AluOp op, Register x, Width w, boolean immediate, long magnitude) {
    if (immediate) {
      out.aluImm(w, op, x, (int) magnitude);
    } else {
      out.alu(w, op, x, SCRATCH);
    }
  }
}
