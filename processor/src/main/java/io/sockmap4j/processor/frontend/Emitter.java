package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Assembler;
import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.SourcePos;
import io.sockmap4j.processor.backend.Width;
import java.util.HashSet;
import java.util.Set;

/**
 * The frontend's view of the {@link Assembler}: the same operations, plus reachability. The
 * verifier rejects unreachable instructions, so after an {@code exit} or an unconditional jump
 * nothing is emitted until a label that some emitted jump targets is bound. Dead branches of
 * constant conditions and code after a return therefore vanish without special cases.
 *
 * <p>An unconditional jump is held back until code becomes reachable elsewhere: if the next label
 * bound is its own target (only dead code came in between, as in {@code if (false) {...}}), it
 * would be a {@code goto +0} and is dropped.
 *
 * <p>Loops (kernel 5.3) jump backwards to a label bound before the jump exists: {@link
 * #bindLoopHead} binds such a label whenever the code before it is reachable.
 */
final class Emitter {
  private final Assembler asm = new Assembler();
  private final Set<Label> targeted = new HashSet<>();
  private boolean reachable = true;
  private SourcePos pos;
  private Label pendingJump;
  private SourcePos pendingPos;

  /** The assembler, with any held-back jump emitted. */
  Assembler assembler() {
    flushJump();
    return asm;
  }

  boolean reachable() {
    return reachable;
  }

  void at(SourcePos pos) {
    this.pos = pos;
    asm.at(pos);
  }

  /** The source position instructions are attributed to now. */
  SourcePos position() {
    return pos;
  }

  Label newLabel(String hint) {
    return asm.newLabel(hint);
  }

  void bind(Label label) {
    if (label == pendingJump) {
      pendingJump = null;
      if (targeted.contains(label)) {
        asm.bind(label);
      }
      reachable = true;
    } else if (targeted.contains(label)) {
      flushJump();
      asm.bind(label);
      reachable = true;
    }
  }

  /**
   * Binds the head of a loop, which only later jumps (the back-edges) target. {@link #bind} would
   * skip a label nothing has jumped to yet; this one is bound whenever the loop is reachable at
   * all. A loop that is not reachable stays entirely unemitted: its back-edges are dead code too.
   */
  void bindLoopHead(Label label) {
    if (reachable) {
      targeted.add(label);
      asm.bind(label);
    }
  }

  void jump(Label target) {
    if (reachable) {
      pendingJump = target;
      pendingPos = pos;
      reachable = false;
    }
  }

  private void flushJump() {
    if (pendingJump != null) {
      targeted.add(pendingJump);
      asm.at(pendingPos);
      asm.jump(pendingJump);
      asm.at(pos);
      pendingJump = null;
    }
  }

  void jumpIf(Width w, JumpOp op, Register a, Register b, Label target) {
    if (reachable) {
      targeted.add(target);
      asm.jumpIf(w, op, a, b, target);
    }
  }

  void jumpIfImm(Width w, JumpOp op, Register a, int imm, Label target) {
    if (reachable) {
      targeted.add(target);
      asm.jumpIfImm(w, op, a, imm, target);
    }
  }

  void exit() {
    if (reachable) {
      asm.exit();
      reachable = false;
    }
  }

  void alu(Width w, AluOp op, Register dst, Register src) {
    if (reachable) {
      asm.alu(w, op, dst, src);
    }
  }

  void aluImm(Width w, AluOp op, Register dst, int imm) {
    if (reachable) {
      asm.aluImm(w, op, dst, imm);
    }
  }

  void neg(Width w, Register dst) {
    if (reachable) {
      asm.neg(w, dst);
    }
  }

  void mov(Width w, Register dst, Register src) {
    if (reachable && !(dst == src && w == Width.W64)) {
      asm.mov(w, dst, src);
    }
  }

  /** Loads a constant with the shortest encoding that gives the same 64-bit register value. */
  void movConst(Register dst, long value) {
    if (!reachable) {
      return;
    }
    if (value >= 0 && value <= 0xFFFF_FFFFL) {
      asm.movImm(Width.W32, dst, (int) value);
    } else if (value >= Integer.MIN_VALUE && value < 0) {
      asm.movImm(Width.W64, dst, (int) value);
    } else {
      asm.loadImm64(dst, value);
    }
  }

  void loadMap(Register dst, String mapName) {
    if (reachable) {
      asm.loadMap(dst, mapName);
    }
  }

  void addressOf(Register dst, int off, int size) {
    if (reachable) {
      asm.addressOf(dst, off, size);
    }
  }

  void toBigEndian(Register dst, int bits) {
    if (reachable) {
      asm.toBigEndian(dst, bits);
    }
  }

  void load(Size size, Register dst, Register base, int off) {
    if (reachable) {
      asm.load(size, dst, base, off);
    }
  }

  void store(Size size, Register base, int off, Register src) {
    if (reachable) {
      asm.store(size, base, off, src);
    }
  }

  void storeImm(Size size, Register base, int off, int imm) {
    if (reachable) {
      asm.storeImm(size, base, off, imm);
    }
  }

  void atomicAdd(Size size, Register base, int off, Register src) {
    if (reachable) {
      asm.atomicAdd(size, base, off, src);
    }
  }

  void call(Helper helper) {
    if (reachable) {
      asm.call(helper);
    }
  }
}
