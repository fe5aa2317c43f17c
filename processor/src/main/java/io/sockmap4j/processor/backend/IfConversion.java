package io.sockmap4j.processor.backend;

import java.util.List;
import java.util.Map;

/**
 * Turns a diamond that only picks one of two constants into a default and an override, as C
 * compilers do:
 *
 * <pre>
 *   if c goto E          w7 = B
 *   w7 = A               if c goto J
 *   goto J        =>     w7 = A
 * E: w7 = B            J: ...
 * J: ...
 * </pre>
 *
 * One jump fewer. Only constant moves qualify: hoisting a register read could read a register the
 * other path never initialised, which the verifier rejects. When the join starts with {@code rD =
 * w7} and w7 dies there, the constants go straight to rD and the copy disappears too.
 */
final class IfConversion {
  private final List<PendingInsn> code;
  private final List<Label> labels;

  IfConversion(List<PendingInsn> code, List<Label> labels) {
    this.code = code;
    this.labels = labels;
  }

  /** Converts one diamond; true when the code changed. */
  boolean run() {
    Liveness live = Liveness.of(code, Map.of());
    for (int i = 0; i + 3 < code.size(); i++) {
      PendingInsn branch = code.get(i);
      InsnKind kind = branch.insn().kind();
      if (kind != InsnKind.JUMP_REG && kind != InsnKind.JUMP_IMM) {
        continue;
      }
      PendingInsn thenMove = code.get(i + 1);
      PendingInsn skip = code.get(i + 2);
      PendingInsn elseMove = code.get(i + 3);
      Label elseLabel = branch.target();
      Label join = skip.target();
      if (skip.insn().kind() != InsnKind.JA
          || elseLabel.index() != i + 3
          || join.index() != i + 4
          || !isConstantMove(thenMove.insn())
          || !isConstantMove(elseMove.insn())
          || thenMove.insn().dst() != elseMove.insn().dst()
          || jumpsTo(i + 3) != 1
          || labelsBetween(i, i + 3)) {
        continue;
      }
      Register x = thenMove.insn().dst();
      Register target = x;
      boolean fuseCopy = false;
      if (i + 4 < code.size() && jumpsTo(i + 4) == 1) {
        Insn next = code.get(i + 4).insn();
        if (CopyPropagation.isCopy(next)
            && next.src() == x
            && next.dst() != Register.R10
            && (live.registersAfter(i + 4) & (1 << x.number())) == 0) {
          target = next.dst();
          fuseCopy = true;
        }
      }
      if (reads(branch.insn(), target)) {
        continue; // the default would overwrite what the condition compares
      }
      code.set(i, retarget(elseMove, target, null));
      code.set(i + 1, new PendingInsn(branch.insn(), join, branch.pos(), branch.mapName()));
      code.set(i + 2, retarget(thenMove, target, null));
      code.remove(i + 3);
      int removed = 1;
      if (fuseCopy) {
        code.remove(i + 3);
        removed = 2;
      }
      for (Label label : labels) {
        if (label.isBound() && label.index() > i + 2) {
          label.bindTo(Math.max(i + 3, label.index() - removed));
        }
      }
      return true;
    }
    return false;
  }

  private static PendingInsn retarget(PendingInsn move, Register dst, Label target) {
    Insn insn = move.insn();
    return new PendingInsn(
        new Insn(insn.opcode(), dst, insn.src(), insn.off(), insn.imm()), target, move.pos(), null);
  }

  private static boolean isConstantMove(Insn insn) {
    return insn.kind() == InsnKind.ALU_IMM && Opcode.op(insn.opcode()) == AluOp.MOV.code();
  }

  private static boolean reads(Insn insn, Register r) {
    return (Effects.useMask(insn) & (1 << r.number())) != 0;
  }

  /**
   * Jumps landing on instruction {@code index}, through any label: several labels can be bound at
   * one position (the joins of nested conditionals), so counting one label's jumps is not enough.
   */
  private int jumpsTo(int index) {
    int n = 0;
    for (PendingInsn p : code) {
      if (p.target() != null && p.target().isBound() && p.target().index() == index) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether a label is bound strictly inside {@code (from, to)}: another path entering the diamond
   * at its then-move (a short-circuit {@code ||} does) would skip the condition it relies on.
   */
  private boolean labelsBetween(int from, int to) {
    for (Label label : labels) {
      if (label.isBound() && label.index() > from && label.index() < to) {
        return true;
      }
    }
    return false;
  }
}
