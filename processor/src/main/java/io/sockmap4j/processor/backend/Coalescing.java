package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Coalescing: a temporary that only feeds a copy is computed in the copy's destination. */
final class Coalescing {
  private final List<PendingInsn> code;
  private final Consumer<List<Integer>> remover;

  /** Registers live after each instruction, kept up to date as copies are coalesced. */
  private int[] liveAfter;

  /** Copies already coalesced away, deleted together at the end of a sweep. */
  private boolean[] removed;

  /** The registers live before the last renamed chain, as they were before the renaming. */
  private int liveBeforeChain;

  Coalescing(List<PendingInsn> code, Consumer<List<Integer>> remover) {
    this.code = code;
    this.remover = remover;
  }

  /**
   * Computes values straight into the register they are copied to: for {@code rD = rS} where rS
   * dies, the chain computing rS inside the block (from its defining move, load or constant through
   * in-place operations) is renamed to rD, if nothing in between touches rD. {@code r7 = *(u32
   * *)(r1 +88); r6 = r7} becomes {@code r6 = *(u32 *)(r1 +88)}.
   *
   * <p>Copies are tried in program order, and after each coalescing the sweep resumes at the start
   * of the renamed chain, which may itself be a copy that now qualifies. That is the order of a
   * sweep restarted from the top after every change: a coalescing only rewrites the chain, and
   * liveness only changes inside it, so no copy before the chain can change its answer. Restarting
   * from the top, with fresh analyses, each time made the pass quadratic in the block's length;
   * here liveness is updated inside the chain and the analyses run once per sweep. Should the
   * update not stay inside the chain (it always does, by the argument above), the sweep starts over
   * with fresh analyses, as it used to.
   */
  boolean run() {
    boolean changed = false;
    boolean again = true;
    while (again) {
      again = false;
      ControlGraph graph = ControlGraph.of(code);
      liveAfter = Liveness.of(code, Map.of()).registersAfter();
      removed = new boolean[code.size()];
      sweep:
      for (int b = 0; b < graph.blockCount(); b++) {
        int m = graph.start(b);
        while (m < graph.end(b)) {
          AnalysisWork.visit(1);
          int chain = removed[m] ? -1 : coalesceAt(m, graph.start(b));
          if (chain < 0) {
            m++;
            continue;
          }
          changed = true;
          if (!updateLiveness(chain, m)) {
            again = true; // start over with fresh analyses
            break sweep;
          }
          m = chain;
        }
      }
      List<Integer> dead = new ArrayList<>();
      for (int i = 0; i < removed.length; i++) {
        if (removed[i]) {
          dead.add(i);
        }
      }
      remover.accept(dead);
    }
    return changed;
  }

  /**
   * Coalesces the copy at {@code m} if it qualifies: returns the index where the renamed chain
   * starts, or -1 when the copy stays.
   */
  private int coalesceAt(int m, int blockStart) {
    Insn copy = code.get(m).insn();
    if (!CopyPropagation.isCopy(copy) || copy.src() == Register.R10 || copy.dst() == copy.src()) {
      return -1;
    }
    Register dst = copy.dst();
    Register src = copy.src();
    int srcBit = 1 << src.number();
    int dstBit = 1 << dst.number();
    if ((liveAfter[m] & srcBit) != 0) {
      return -1;
    }
    int def = -1;
    for (int k = m - 1; k >= blockStart; k--) {
      AnalysisWork.visit(1);
      if (removed[k]) {
        continue;
      }
      Insn insn = code.get(k).insn();
      boolean writesSrc = (Effects.defMask(insn) & srcBit) != 0;
      if (writesSrc && definesFromScratch(insn)) {
        def = k;
        break;
      }
      if (((Effects.useMask(insn) | Effects.defMask(insn)) & dstBit) != 0 || insn.dst() == dst) {
        return -1;
      }
      if (writesSrc && (insn.kind() == InsnKind.CALL || insn.dst() != src)) {
        // Written as a side effect: a call writes r0 to r5 (and is encoded with dst r0, so the
        // dst test alone would take a helper's result for part of the chain). Not renamable.
        return -1;
      }
    }
    if (def < 0) {
      return -1;
    }
    Insn first = code.get(def).insn();
    liveBeforeChain = (liveAfter[def] & ~Effects.defMask(first)) | Effects.useMask(first);
    for (int k = def; k < m; k++) {
      if (!removed[k]) {
        PendingInsn p = code.get(k);
        Insn renamed = rename(p.insn(), src, dst, k != def);
        code.set(k, new PendingInsn(renamed, p.target(), p.pos(), p.mapName()));
      }
    }
    removed[m] = true;
    return def;
  }

  /**
   * Recomputes liveness inside the chain {@code [start, copy)} just renamed, the copy at {@code
   * copy} being gone; false when what is live before the chain changed too, which would make the
   * liveness of the rest of the program stale.
   */
  private boolean updateLiveness(int start, int copy) {
    int live = liveAfter[copy];
    for (int i = copy - 1; i >= start; i--) {
      AnalysisWork.visit(1);
      liveAfter[i] = live;
      if (!removed[i]) {
        Insn insn = code.get(i).insn();
        live = (live & ~Effects.defMask(insn)) | Effects.useMask(insn);
      }
    }
    return live == liveBeforeChain;
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
