package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Moves stack slots into registers: the frontend keeps every local variable and spilled temporary
 * in an 8-byte stack slot, which costs a store per assignment and a load per use. A slot qualifies
 * when every access is a 64-bit load or store at exactly its offset and no helper can see it (it
 * lies outside every {@link StackRange} handed out with {@code addressOf}).
 *
 * <p>Stores to such a slot that nothing reads afterwards are deleted. Then each slot, most used
 * first, gets a register it does not interfere with: one that is never written while the slot holds
 * a live value, and whose own live value is never overwritten by a store to the slot (copies
 * between the two are fine). A helper call writes r0-r5, so a slot that lives across a call ends up
 * in r6-r9. Loads and stores become moves, which copy propagation and dead-code elimination then
 * remove.
 *
 * <p>Nothing is promoted in a program that copies r10 other than through {@code addressOf}: its
 * escaping stack bytes are unknown.
 */
final class SlotPromotion {
  private static final Register[] PREFERENCE = {
    Register.R7,
    Register.R8,
    Register.R9,
    Register.R6,
    Register.R0,
    Register.R1,
    Register.R2,
    Register.R3,
    Register.R4,
    Register.R5
  };

  private final List<PendingInsn> code;
  private final List<StackRange> escapes;
  private final Consumer<List<Integer>> remover;

  SlotPromotion(List<PendingInsn> code, List<StackRange> escapes, Consumer<List<Integer>> remover) {
    this.code = code;
    this.escapes = escapes;
    this.remover = remover;
  }

  /** Deletes dead stores and promotes what it can; true when the code changed. */
  boolean run() {
    if (!stackEscapesAreKnown()) {
      return false;
    }
    Map<Integer, Integer> accesses = candidateSlots();
    if (accesses.isEmpty()) {
      return false;
    }
    List<Integer> slots = new ArrayList<>(accesses.keySet());
    slots.sort((x, y) -> Integer.compare(accesses.get(y), accesses.get(x)));
    if (slots.size() > 64) {
      slots = slots.subList(0, 64);
    }
    boolean changed = deleteDeadStores(slots);
    for (int slot : slots) {
      Liveness live = Liveness.of(code, Map.of(slot, 0));
      for (Register reg : PREFERENCE) {
        if (!interferes(slot, reg, live)) {
          rewrite(slot, reg);
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  private boolean deleteDeadStores(List<Integer> slots) {
    Map<Integer, Integer> bits = new HashMap<>();
    for (int k = 0; k < slots.size(); k++) {
      bits.put(slots.get(k), k);
    }
    Liveness live = Liveness.of(code, bits);
    List<Integer> dead = new ArrayList<>();
    for (int i = 0; i < code.size(); i++) {
      long def = Liveness.slotDef(code.get(i).insn(), bits);
      if (def != 0 && (live.slotsAfter(i) & def) == 0) {
        dead.add(i);
      }
    }
    remover.accept(dead);
    return !dead.isEmpty();
  }

  /** Whether keeping {@code slot} in {@code reg} could lose a value either of them holds. */
  private boolean interferes(int slot, Register reg, Liveness live) {
    int regBit = 1 << reg.number();
    Map<Integer, Integer> bits = Map.of(slot, 0);
    for (int i = 0; i < code.size(); i++) {
      Insn insn = code.get(i).insn();
      boolean slotLive = (live.slotsAfter(i) & 1) != 0;
      boolean regLive = (live.registersAfter(i) & regBit) != 0;
      boolean writesReg = (Effects.defMask(insn) & regBit) != 0;
      boolean writesSlot = Liveness.slotDef(insn, bits) != 0;
      boolean loadsSlotIntoReg = Liveness.slotUse(insn, bits) != 0 && insn.dst() == reg;
      boolean storesRegIntoSlot = insn.kind() == InsnKind.STORE && writesSlot && insn.src() == reg;
      if (slotLive && writesReg && !loadsSlotIntoReg) {
        return true;
      }
      if (regLive && writesSlot && !storesRegIntoSlot) {
        return true;
      }
    }
    return false;
  }

  private void rewrite(int slot, Register reg) {
    for (int i = 0; i < code.size(); i++) {
      PendingInsn p = code.get(i);
      Insn insn = p.insn();
      Insn replacement = null;
      if (insn.kind() == InsnKind.LOAD && insn.src() == Register.R10 && insn.off() == slot) {
        replacement = mov(insn.dst(), reg);
      } else if (insn.kind() == InsnKind.STORE
          && insn.dst() == Register.R10
          && insn.off() == slot) {
        replacement = mov(reg, insn.src());
      } else if (insn.kind() == InsnKind.STORE_IMM
          && insn.dst() == Register.R10
          && insn.off() == slot) {
        replacement =
            new Insn(
                Opcode.alu(Width.W64, AluOp.MOV, false), reg, Register.R0, (short) 0, insn.imm());
      }
      if (replacement != null) {
        code.set(i, new PendingInsn(replacement, null, p.pos(), null));
      }
    }
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
        if (!CopyPropagation.isCopy(insn)) {
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
          (kind == InsnKind.STORE || kind == InsnKind.STORE_IMM || kind == InsnKind.ATOMIC_ADD)
              && insn.dst() == Register.R10;
      if (!stackLoad && !stackStore) {
        continue;
      }
      int off = insn.off();
      boolean whole =
          kind != InsnKind.ATOMIC_ADD && insn.opcode() == loadDw
              || insn.opcode() == storeDw
              || insn.opcode() == storeImmDw;
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
}
