package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves stack slots into free registers: the frontend keeps every local variable and spilled
 * temporary in an 8-byte stack slot, which costs a store per assignment and a load per use. A slot
 * qualifies when every access to its bytes is a 64-bit load or store at exactly its offset and no
 * helper can see it (it lies outside every {@link StackRange} handed out with {@code addressOf}).
 * It then lives in a register that no instruction of the program mentions: r6-r9 (kept across
 * helper calls), or r1-r5 in programs without calls. Loads and stores become moves, which copy
 * propagation and dead-code elimination then remove.
 *
 * <p>Nothing is promoted in a program that copies r10 other than through {@code addressOf}: its
 * escaping stack bytes are unknown.
 */
final class SlotPromotion {
  private static final Register[] KEPT_ACROSS_CALLS = {
    Register.R6, Register.R7, Register.R8, Register.R9
  };
  private static final Register[] ARGUMENTS = {
    Register.R1, Register.R2, Register.R3, Register.R4, Register.R5
  };

  private final List<PendingInsn> code;
  private final List<StackRange> escapes;

  SlotPromotion(List<PendingInsn> code, List<StackRange> escapes) {
    this.code = code;
    this.escapes = escapes;
  }

  /** Promotes what it can; true when the code changed. */
  boolean run() {
    if (!stackEscapesAreKnown()) {
      return false;
    }
    Map<Integer, Integer> accesses = candidateSlots();
    List<Register> free = freeRegisters();
    if (accesses.isEmpty() || free.isEmpty()) {
      return false;
    }
    List<Integer> slots = new ArrayList<>(accesses.keySet());
    slots.sort((a, b) -> Integer.compare(accesses.get(b), accesses.get(a)));
    Map<Integer, Register> home = new LinkedHashMap<>();
    for (int i = 0; i < slots.size() && i < free.size(); i++) {
      home.put(slots.get(i), free.get(i));
    }
    for (int i = 0; i < code.size(); i++) {
      PendingInsn p = code.get(i);
      Insn insn = p.insn();
      if (insn.kind() == InsnKind.LOAD || insn.kind() == InsnKind.STORE) {
        Register base = insn.kind() == InsnKind.LOAD ? insn.src() : insn.dst();
        Register reg = base == Register.R10 ? home.get((int) insn.off()) : null;
        if (reg != null) {
          Insn move = insn.kind() == InsnKind.LOAD ? mov(insn.dst(), reg) : mov(reg, insn.src());
          code.set(i, new PendingInsn(move, null, p.pos(), null));
        }
      } else if (insn.kind() == InsnKind.STORE_IMM && insn.dst() == Register.R10) {
        Register reg = home.get((int) insn.off());
        if (reg != null) {
          Insn move =
              new Insn(
                  Opcode.alu(Width.W64, AluOp.MOV, false), reg, Register.R0, (short) 0, insn.imm());
          code.set(i, new PendingInsn(move, null, p.pos(), null));
        }
      }
    }
    return true;
  }

  private static Insn mov(Register dst, Register src) {
    return new Insn(Opcode.alu(Width.W64, AluOp.MOV, true), dst, src, (short) 0, 0);
  }

  /**
   * Every copy of r10 must be one {@code addressOf} made; the optimiser may have deleted some
   * (their ranges then stay escaped, which is only conservative).
   */
  private boolean stackEscapesAreKnown() {
    int copies = 0;
    for (PendingInsn p : code) {
      Insn insn = p.insn();
      boolean readsR10AsValue =
          (insn.kind() == InsnKind.ALU_REG || insn.kind() == InsnKind.STORE)
              && insn.src() == Register.R10;
      if (readsR10AsValue) {
        if (!Optimizer.isCopy(insn)) {
          return false;
        }
        copies++;
      }
    }
    return copies <= escapes.size();
  }

  /** Slots (offset from r10) accessed only as whole 64-bit values, with their access counts. */
  private Map<Integer, Integer> candidateSlots() {
    Map<Integer, Integer> counts = new LinkedHashMap<>();
    List<int[]> otherAccesses = new ArrayList<>();
    int loadDw = Opcode.load(Size.DW);
    int storeDw = Opcode.store(Size.DW);
    int storeImmDw = Opcode.storeImm(Size.DW);
    for (PendingInsn p : code) {
      Insn insn = p.insn();
      InsnKind kind = insn.kind();
      boolean stackLoad = kind == InsnKind.LOAD && insn.src() == Register.R10;
      boolean stackStore =
          (kind == InsnKind.STORE || kind == InsnKind.STORE_IMM) && insn.dst() == Register.R10;
      if (!stackLoad && !stackStore) {
        continue;
      }
      int off = insn.off();
      boolean whole =
          insn.opcode() == loadDw || insn.opcode() == storeDw || insn.opcode() == storeImmDw;
      if (whole && off % 8 == 0) {
        counts.merge(off, 1, Integer::sum);
      } else {
        otherAccesses.add(new int[] {off, Size.ofOpcode(insn.opcode()).bytes()});
      }
    }
    counts.keySet().removeIf(slot -> escapes.stream().anyMatch(r -> r.overlaps(slot, 8)));
    counts
        .keySet()
        .removeIf(
            slot -> otherAccesses.stream().anyMatch(a -> a[0] < slot + 8 && slot < a[0] + a[1]));
    return counts;
  }

  /** Registers no instruction mentions, usable as a slot's home. */
  private List<Register> freeRegisters() {
    boolean[] mentioned = new boolean[11];
    boolean calls = false;
    for (PendingInsn p : code) {
      Insn insn = p.insn();
      int mask = Effects.useMask(insn) | Effects.defMask(insn);
      for (Register r : Register.values()) {
        if (r != Register.R10 && (mask & (1 << r.number())) != 0) {
          mentioned[r.number()] = true;
        }
      }
      calls |= insn.kind() == InsnKind.CALL;
    }
    List<Register> free = new ArrayList<>();
    for (Register r : KEPT_ACROSS_CALLS) {
      if (!mentioned[r.number()]) {
        free.add(r);
      }
    }
    if (!calls) {
      for (Register r : ARGUMENTS) {
        if (!mentioned[r.number()]) {
          free.add(r);
        }
      }
    }
    return free;
  }
}
