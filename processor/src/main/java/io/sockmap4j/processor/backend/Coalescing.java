package io.sockmap4j.processor.backend;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Coalescing: a temporary that only feeds a copy is computed in the copy's destination. */
final class Coalescing {
  private final List<PendingInsn> code;
  private final Consumer<List<Integer>> remover;

  Coalescing(List<PendingInsn> code, Consumer<List<Integer>> remover) {
    this.code = code;
    this.remover = remover;
  }

  /**
   * Computes values straight into the register they are copied to: for {@code rD = rS} where rS
   * dies, the chain computing rS inside the block (from its defining move, load or constant through
   * in-place operations) is renamed to rD, if nothing in between touches rD. {@code r7 = *(u32
   * *)(r1 +88); r6 = r7} becomes {@code r6 = *(u32 *)(r1 +88)}.
   */
  boolean run() {
    boolean changed = false;
    boolean again = true;
    while (again) {
      again = false;
      Liveness live = Liveness.of(code, Map.of());
      ControlGraph graph = ControlGraph.of(code);
      for (int b = 0; b < graph.blockCount() && !again; b++) {
        for (int m = graph.start(b); m < graph.end(b) && !again; m++) {
          again = coalesceAt(m, graph.start(b), live);
        }
      }
      changed |= again;
    }
    return changed;
  }

  private boolean coalesceAt(int m, int blockStart, Liveness live) {
    Insn copy = code.get(m).insn();
    if (!CopyPropagation.isCopy(copy) || copy.src() == Register.R10 || copy.dst() == copy.src()) {
      return false;
    }
    Register dst = copy.dst();
    Register src = copy.src();
    int srcBit = 1 << src.number();
    int dstBit = 1 << dst.number();
    if ((live.registersAfter(m) & srcBit) != 0) {
      return false;
    }
    int def = -1;
    for (int k = m - 1; k >= blockStart; k--) {
      Insn insn = code.get(k).insn();
      boolean writesSrc = (Effects.defMask(insn) & srcBit) != 0;
      if (writesSrc && definesFromScratch(insn)) {
        def = k;
        break;
      }
      if (((Effects.useMask(insn) | Effects.defMask(insn)) & dstBit) != 0 || insn.dst() == dst) {
        return false;
      }
      if (writesSrc && insn.dst() != src) {
        return false; // written as a side effect (a call): not a chain we can rename
      }
    }
    if (def < 0) {
      return false;
    }
    for (int k = def; k < m; k++) {
      PendingInsn p = code.get(k);
      Insn renamed = rename(p.insn(), src, dst, k != def);
      code.set(k, new PendingInsn(renamed, p.target(), p.pos(), p.mapName()));
    }
    remover.accept(List.of(m));
    return true;
  }

  /**
   * Renames register {@code from} to {@code to} where the instruction really has a register
   * operand: immediate forms keep a placeholder in src, and ld_imm64 uses src for its pseudo flag.
   * With {@code renameReads} false only the destination is renamed (the defining instruction still
   * reads the old value).
   */
  private static Insn rename(Insn insn, Register from, Register to, boolean renameReads) {
    boolean dstIsRegister;
    boolean srcIsRegister;
    switch (insn.kind()) {
      case ALU_REG:
      case LOAD:
      case STORE:
      case JUMP_REG:
      case ATOMIC_ADD:
        dstIsRegister = true;
        srcIsRegister = true;
        break;
      case ALU_IMM:
      case NEG:
      case BYTE_SWAP:
      case LD_IMM64:
      case STORE_IMM:
      case JUMP_IMM:
        dstIsRegister = true;
        srcIsRegister = false;
        break;
      default:
        return insn;
    }
    Register dst = dstIsRegister && insn.dst() == from ? to : insn.dst();
    Register src = srcIsRegister && renameReads && insn.src() == from ? to : insn.src();
    return new Insn(insn.opcode(), dst, src, insn.off(), insn.imm());
  }

  /** Instructions whose result does not depend on their destination's old value. */
  private static boolean definesFromScratch(Insn insn) {
    switch (insn.kind()) {
      case LOAD:
      case LD_IMM64:
        return true;
      case ALU_REG:
        return Opcode.op(insn.opcode()) == AluOp.MOV.code() && insn.src() != insn.dst();
      case ALU_IMM:
        return Opcode.op(insn.opcode()) == AluOp.MOV.code();
      default:
        return false;
    }
  }
}
