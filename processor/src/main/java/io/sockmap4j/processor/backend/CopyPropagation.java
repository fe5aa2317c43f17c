package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Copy propagation over the whole program: after {@code r6 = r1}, uses of r6 read r1 while neither
 * changes, and a copy that re-establishes a known equality ({@code r1 = r6}) is deleted. A copy of
 * a register has the same verifier type as the original, so the verifier accepts the rewritten
 * reads.
 */
final class CopyPropagation {
  private final List<PendingInsn> code;
  private final Consumer<List<Integer>> remover;

  CopyPropagation(List<PendingInsn> code, Consumer<List<Integer>> remover) {
    this.code = code;
    this.remover = remover;
  }

  /**
   * Copy propagation over the whole program: a forward "available copies" analysis (a copy holds at
   * a block's start only if it holds at the end of every predecessor), then one rewriting pass.
   */
  boolean run() {
    ControlGraph graph = ControlGraph.of(code);
    int blocks = graph.blockCount();
    List<Map<Register, Register>> in = new ArrayList<>();
    List<Map<Register, Register>> out = new ArrayList<>();
    for (int b = 0; b < blocks; b++) {
      in.add(null); // null: not reached yet ("every copy holds")
      out.add(null);
    }
    if (blocks > 0) {
      in.set(0, new HashMap<>());
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      AnalysisWork.visit(code.size());
      for (int b = 0; b < blocks; b++) {
        if (in.get(b) == null) {
          continue;
        }
        Map<Register, Register> state = new HashMap<>(in.get(b));
        for (int i = graph.start(b); i < graph.end(b); i++) {
          step(state, code.get(i).insn());
        }
        if (state.equals(out.get(b))) {
          continue;
        }
        out.set(b, state);
        changed = true;
        for (int s : graph.successors(b)) {
          Map<Register, Register> merged =
              in.get(s) == null ? new HashMap<>(state) : intersect(in.get(s), state);
          in.set(s, merged);
        }
      }
    }
    boolean rewritten = false;
    List<Integer> redundant = new ArrayList<>();
    for (int b = 0; b < blocks; b++) {
      Map<Register, Register> state =
          in.get(b) == null ? new HashMap<>() : new HashMap<>(in.get(b));
      for (int i = graph.start(b); i < graph.end(b); i++) {
        PendingInsn p = code.get(i);
        Insn insn = step(state, p.insn());
        if (insn == null) {
          redundant.add(i);
        } else if (!insn.equals(p.insn())) {
          code.set(i, new PendingInsn(insn, p.target(), p.pos(), p.mapName()));
          rewritten = true;
        }
      }
    }
    remover.accept(redundant);
    return rewritten || !redundant.isEmpty();
  }

  /**
   * Applies one instruction to the copies that hold: returns it with copied registers substituted
   * in its uses, or null when it only re-establishes a copy that already holds.
   */
  private static Insn step(Map<Register, Register> copyOf, Insn original) {
    Insn insn = substituteUses(original, copyOf);
    if (isCopy(insn)) {
      Register dst = insn.dst();
      Register src = insn.src();
      if (dst == src || copyOf.get(dst) == src || copyOf.get(src) == dst) {
        return null;
      }
    }
    for (Register def : Effects.defs(insn)) {
      copyOf.remove(def);
      copyOf.values().removeIf(v -> v == def);
    }
    if (isCopy(insn)) {
      copyOf.put(insn.dst(), insn.src());
    }
    return insn;
  }

  private static Map<Register, Register> intersect(
      Map<Register, Register> a, Map<Register, Register> b) {
    Map<Register, Register> both = new HashMap<>();
    a.forEach(
        (k, v) -> {
          if (b.get(k) == v) {
            both.put(k, v);
          }
        });
    return both;
  }

  /** A 64-bit register move: the only instruction after which two registers are equal. */
  static boolean isCopy(Insn insn) {
    return insn.opcode() == Opcode.alu(Width.W64, AluOp.MOV, true);
  }

  /** Rewrites the registers an instruction only reads with the registers they copy. */
  private static Insn substituteUses(Insn insn, Map<Register, Register> copyOf) {
    if (copyOf.isEmpty()) {
      return insn;
    }
    Register dst = insn.dst();
    Register src = insn.src();
    switch (insn.kind()) {
      case ALU_REG:
        src = copyOf.getOrDefault(src, src);
        break;
      case LOAD:
        src = copyOf.getOrDefault(src, src);
        break;
      case STORE:
      case ATOMIC_ADD:
        dst = copyOf.getOrDefault(dst, dst);
        src = copyOf.getOrDefault(src, src);
        break;
      case STORE_IMM:
        dst = copyOf.getOrDefault(dst, dst);
        break;
      case JUMP_REG:
        dst = copyOf.getOrDefault(dst, dst);
        src = copyOf.getOrDefault(src, src);
        break;
      case JUMP_IMM:
        dst = copyOf.getOrDefault(dst, dst);
        break;
      default:
        return insn;
    }
    if (dst == insn.dst() && src == insn.src()) {
      return insn;
    }
    return new Insn(insn.opcode(), dst, src, insn.off(), insn.imm());
  }
}
