package io.sockmap4j.processor.backend;

import java.util.List;
import java.util.Map;

/**
 * What is live after each instruction: registers (bit n = rn) and, optionally, stack slots that are
 * only ever accessed as whole 64-bit values (bit k = the k-th slot of {@code slotBits}). A 64-bit
 * load from a slot uses it; a 64-bit store defines it.
 */
final class Liveness {
  private final int[] registersAfter;
  private final long[] slotsAfter;

  private Liveness(int[] registersAfter, long[] slotsAfter) {
    this.registersAfter = registersAfter;
    this.slotsAfter = slotsAfter;
  }

  /** Registers live after instruction {@code i}. */
  int registersAfter(int i) {
    return registersAfter[i];
  }

  /** Registers live after each instruction: a copy, for a pass that updates it as it edits. */
  int[] registersAfter() {
    return registersAfter.clone();
  }

  /** Slots live after instruction {@code i}. */
  long slotsAfter(int i) {
    return slotsAfter[i];
  }

  static Liveness of(List<PendingInsn> code, Map<Integer, Integer> slotBits) {
    ControlGraph graph = ControlGraph.of(code);
    int blocks = graph.blockCount();
    int[] regIn = new int[blocks];
    long[] slotIn = new long[blocks];
    int[] registersAfter = new int[code.size()];
    long[] slotsAfter = new long[code.size()];
    boolean changed = true;
    while (changed) {
      changed = false;
      AnalysisWork.visit(code.size());
      for (int b = blocks - 1; b >= 0; b--) {
        int regs = 0;
        long slots = 0;
        for (int s : graph.successors(b)) {
          regs |= regIn[s];
          slots |= slotIn[s];
        }
        for (int i = graph.end(b) - 1; i >= graph.start(b); i--) {
          registersAfter[i] = regs;
          slotsAfter[i] = slots;
          Insn insn = code.get(i).insn();
          regs = (regs & ~Effects.defMask(insn)) | Effects.useMask(insn);
          slots = (slots & ~slotDef(insn, slotBits)) | slotUse(insn, slotBits);
        }
        if (regs != regIn[b] || slots != slotIn[b]) {
          regIn[b] = regs;
          slotIn[b] = slots;
          changed = true;
        }
      }
    }
    return new Liveness(registersAfter, slotsAfter);
  }

  /** The slot bit a 64-bit stack load reads, or 0. */
  static long slotUse(Insn insn, Map<Integer, Integer> slotBits) {
    if (insn.kind() == InsnKind.LOAD && insn.src() == Register.R10) {
      Integer bit = slotBits.get((int) insn.off());
      return bit == null ? 0 : 1L << bit;
    }
    return 0;
  }

  /** The slot bit a 64-bit stack store writes, or 0. */
  static long slotDef(Insn insn, Map<Integer, Integer> slotBits) {
    boolean store = insn.kind() == InsnKind.STORE || insn.kind() == InsnKind.STORE_IMM;
    if (store && insn.dst() == Register.R10) {
      Integer bit = slotBits.get((int) insn.off());
      return bit == null ? 0 : 1L << bit;
    }
    return 0;
  }
}
