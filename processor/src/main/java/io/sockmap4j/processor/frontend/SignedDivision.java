package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Width;

/**
 * Java's signed {@code /} and {@code %} by a non-zero constant, on eBPF's unsigned division (signed
 * division instructions need cpu v4, Linux 6.6; this sequence runs on any kernel):
 *
 * <pre>
 *   if (x &lt; 0) x = -((-x) udiv |d|) else x = x udiv |d|;   then negate again if d &lt; 0 (for /)
 * </pre>
 *
 * The remainder takes the dividend's sign and ignores the divisor's, as in Java. {@code MIN_VALUE /
 * -1} is {@code MIN_VALUE}, as in Java, because negation wraps.
 */
final class SignedDivision {
  /**
   * Holds a divisor too large for an immediate. An argument register is free here: the frontend
   * loads r1-r5 only right before a helper call, and no call happens inside a division.
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

  private static void unsignedOp(
      Emitter out, AluOp op, Register x, Width w, boolean immediate, long magnitude) {
    if (immediate) {
      out.aluImm(w, op, x, (int) magnitude);
    } else {
      out.alu(w, op, x, SCRATCH);
    }
  }
}
