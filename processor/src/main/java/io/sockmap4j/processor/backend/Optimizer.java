package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Machine-level clean-up of what the frontend emits, run before linking while jumps still name
 * labels. Each pass only removes or rewrites instructions when the result computes the same values
 * on every path, and only with facts that also hold for the verifier (a copy of a register has the
 * same verifier type as the original):
 *
 * <ol>
 *   <li>slot promotion ({@link SlotPromotion}): dead stores to stack variables no helper sees are
 *       deleted, and such variables move into registers they do not interfere with;
 *   <li>copy propagation ({@link CopyPropagation}): after {@code r6 = r1}, uses of r6 read r1 while
 *       neither changes, and a copy that re-establishes a known equality is deleted;
 *   <li>coalescing ({@link Coalescing}): a temporary that only feeds a copy is computed in the
 *       copy's destination;
 *   <li>store-to-load forwarding inside a basic block: a 64-bit load from a stack slot that still
 *       holds a register's value becomes a copy of that register;
 *   <li>dead-code elimination from global register liveness: an instruction without side effects
 *       whose results are never read is deleted;
 *   <li>narrow stores: a sign or zero extension read only by a store too narrow to see the extended
 *       bits is deleted;
 *   <li>if-conversion ({@link IfConversion}) of diamonds that pick one of two constants;
 *   <li>jump clean-up: jumps to the next instruction are deleted, jumps to an unconditional jump
 *       are threaded to its target, and code that becomes unreachable is deleted (the verifier
 *       rejects it);
 *   <li>tail merging ({@link TailMerge}), when nothing else changes any more.
 * </ol>
 *
 * The passes repeat until nothing changes.
 */
final class Optimizer {
  private static final int MAX_ROUNDS = 16;

  private final List<PendingInsn> code;
  private final List<Label> labels;
  private final List<StackRange> escapes;
  private final Supplier<Label> newLabel;

  private Optimizer(
      List<PendingInsn> code,
      List<Label> labels,
      List<StackRange> escapes,
      Supplier<Label> newLabel) {
    this.code = code;
    this.labels = labels;
    this.escapes = escapes;
    this.newLabel = newLabel;
  }

  /**
   * Optimises {@code code} in place and rebinds {@code labels} to the surviving instructions.
   *
   * @param escapes the stack ranges whose address the code hands out (see {@link
   *     Assembler#addressOf})
   */
  static void optimize(
      List<PendingInsn> code,
      List<Label> labels,
      List<StackRange> escapes,
      Supplier<Label> newLabel) {
    Optimizer optimizer = new Optimizer(code, labels, escapes, newLabel);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      boolean changed = new SlotPromotion(code, escapes, optimizer::removeAll).run();
      changed |= new CopyPropagation(code, optimizer::removeAll).run();
      changed |= new Coalescing(code, optimizer::removeAll).run();
      changed |= optimizer.forwardStores();
      changed |= optimizer.eliminateDeadCode();
      changed |= optimizer.dropExtensionsBeforeNarrowStores();
      changed |= new IfConversion(code, labels).run();
      changed |= optimizer.cleanUpJumps();
      if (!changed) {
        changed = new TailMerge(code, labels, newLabel).run();
      }
      if (!changed) {
        return;
      }
    }
  }

  // ------------------------------------------------------------------ store-to-load forwarding

  private boolean forwardStores() {
    boolean changed = false;
    Map<Integer, Register> slotHolds = new HashMap<>();
    boolean[] starts = blockStarts();
    int storeDw = Opcode.store(Size.DW);
    int loadDw = Opcode.load(Size.DW);
    for (int i = 0; i < code.size(); i++) {
      if (starts[i]) {
        slotHolds.clear();
      }
      PendingInsn p = code.get(i);
      Insn insn = p.insn();
      InsnKind kind = insn.kind();
      if (insn.opcode() == loadDw && insn.src() == Register.R10) {
        Register held = slotHolds.get((int) insn.off());
        if (held != null) {
          Insn copy =
              new Insn(Opcode.alu(Width.W64, AluOp.MOV, true), insn.dst(), held, (short) 0, 0);
          code.set(i, new PendingInsn(copy, null, p.pos(), null));
          insn = copy;
          kind = copy.kind();
          changed = true;
        }
      }
      if (kind == InsnKind.STORE || kind == InsnKind.STORE_IMM || kind == InsnKind.ATOMIC_ADD) {
        if (insn.dst() != Register.R10 || kind == InsnKind.ATOMIC_ADD) {
          slotHolds.clear(); // a store through a pointer may alias the stack
        } else {
          int size = Size.ofOpcode(insn.opcode()).bytes();
          int off = insn.off();
          slotHolds.keySet().removeIf(slot -> slot < off + size && off < slot + 8);
          if (insn.opcode() == storeDw) {
            slotHolds.put(off, insn.src());
          }
        }
      } else if (kind == InsnKind.CALL) {
        slotHolds.clear(); // helpers may write the stack through pointer arguments
      }
      for (Register def : Effects.defs(insn)) {
        slotHolds.values().removeIf(r -> r == def);
      }
    }
    return changed;
  }

  // ------------------------------------------------------------------ dead code

  private boolean eliminateDeadCode() {
    ControlGraph graph = ControlGraph.of(code);
    int[] liveOut = graph.liveOut();
    List<Integer> dead = new ArrayList<>();
    for (int block = 0; block < graph.blockCount(); block++) {
      int live = liveOut[block];
      for (int i = graph.end(block) - 1; i >= graph.start(block); i--) {
        Insn insn = code.get(i).insn();
        int defs = Effects.defMask(insn);
        if (!Effects.hasSideEffects(insn) && defs != 0 && (defs & live) == 0) {
          dead.add(i);
          continue;
        }
        live = (live & ~defs) | Effects.useMask(insn);
      }
    }
    removeAll(dead);
    return !dead.isEmpty();
  }

  // ------------------------------------------------------------------ narrow stores

  /**
   * {@code w7 <<= 16; w7 s>>= 16; *(u16 *)(r10 -8) = r7}: the extension only changes bits the
   * 16-bit store drops, so when r7 is not read afterwards both shifts go. Also {@code w7 &= mask}
   * keeping at least the stored bits.
   */
  private boolean dropExtensionsBeforeNarrowStores() {
    Liveness live = Liveness.of(code, Map.of());
    boolean[] starts = blockStarts();
    List<Integer> dead = new ArrayList<>();
    for (int i = 0; i < code.size(); i++) {
      Insn store = code.get(i).insn();
      if (store.kind() != InsnKind.STORE) {
        continue;
      }
      int bits = Size.ofOpcode(store.opcode()).bytes() * 8;
      Register r = store.src();
      if (bits == 64 || r == store.dst() || (live.registersAfter(i) & (1 << r.number())) != 0) {
        continue;
      }
      List<Integer> extension = extensionFeeding(i, r, bits, starts);
      dead.addAll(extension);
    }
    removeAll(dead);
    return !dead.isEmpty();
  }

  /** Indexes of the extension instructions right before {@code store} that only it reads. */
  private List<Integer> extensionFeeding(int store, Register r, int bits, boolean[] starts) {
    int shift = Opcode.alu(Width.W32, AluOp.ARSH, false);
    int left = Opcode.alu(Width.W32, AluOp.LSH, false);
    int and = Opcode.alu(Width.W32, AluOp.AND, false);
    int k = store - 1;
    if (k < 0 || starts[store]) {
      return List.of();
    }
    Insn last = code.get(k).insn();
    if (last.dst() != r) {
      return List.of();
    }
    if (last.opcode() == and && (last.imm() & ((1L << bits) - 1)) == ((1L << bits) - 1)) {
      return List.of(k);
    }
    if (last.opcode() == shift && k - 1 >= 0 && !starts[k]) {
      Insn first = code.get(k - 1).insn();
      if (first.opcode() == left
          && first.dst() == r
          && first.imm() == last.imm()
          && 32 - last.imm() >= bits) {
        return List.of(k - 1, k);
      }
    }
    return List.of();
  }

  // ------------------------------------------------------------------ jumps

  private boolean cleanUpJumps() {
    boolean changed = threadJumps();
    List<Integer> useless = new ArrayList<>();
    for (int i = 0; i < code.size(); i++) {
      PendingInsn p = code.get(i);
      if (p.target() != null && p.insn().kind().isJump() && targetIndex(p.target()) == i + 1) {
        useless.add(i);
      }
    }
    removeAll(useless);
    changed |= !useless.isEmpty();
    List<Integer> unreachable = ControlGraph.of(code).unreachableInstructions();
    removeAll(unreachable);
    return changed || !unreachable.isEmpty();
  }

  /** Retargets jumps whose target is an unconditional jump. */
  private boolean threadJumps() {
    boolean changed = false;
    for (int i = 0; i < code.size(); i++) {
      PendingInsn p = code.get(i);
      if (p.target() == null) {
        continue;
      }
      Label target = p.target();
      for (int hops = 0; hops < code.size(); hops++) {
        int at = targetIndex(target);
        if (at >= code.size() || code.get(at).insn().kind() != InsnKind.JA) {
          break;
        }
        Label next = code.get(at).target();
        if (next == target || next == p.target() && hops > 0) {
          break;
        }
        target = next;
      }
      if (target != p.target()) {
        code.set(i, new PendingInsn(p.insn(), target, p.pos(), p.mapName()));
        changed = true;
      }
    }
    return changed;
  }

  private int targetIndex(Label label) {
    return label.index();
  }

  // ------------------------------------------------------------------ editing

  private boolean[] blockStarts() {
    boolean[] starts = new boolean[code.size() + 1];
    starts[0] = true;
    for (Label label : labels) {
      if (label.isBound()) {
        starts[Math.min(label.index(), code.size())] = true;
      }
    }
    for (int i = 0; i < code.size(); i++) {
      InsnKind kind = code.get(i).insn().kind();
      if (kind.isJump() || kind == InsnKind.EXIT) {
        starts[i + 1] = true;
      }
    }
    return starts;
  }

  /**
   * Deletes the instructions at {@code indexes} and moves every label to the first surviving
   * instruction at or after its old position.
   */
  private void removeAll(List<Integer> indexes) {
    if (indexes.isEmpty()) {
      return;
    }
    boolean[] remove = new boolean[code.size()];
    for (int i : indexes) {
      remove[i] = true;
    }
    int[] newIndex = new int[code.size() + 1];
    List<PendingInsn> kept = new ArrayList<>(code.size());
    for (int i = 0; i < code.size(); i++) {
      newIndex[i] = kept.size();
      if (!remove[i]) {
        kept.add(code.get(i));
      }
    }
    newIndex[code.size()] = kept.size();
    for (Label label : labels) {
      if (label.isBound()) {
        label.bindTo(newIndex[Math.min(label.index(), code.size())]);
      }
    }
    code.clear();
    code.addAll(kept);
  }
}
