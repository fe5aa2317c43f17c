package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Cross-jumping: where two blocks end in the same instructions and {@code exit} (a return of the
 * same constant, or the same redirect call), the second copy is replaced by a jump to the first.
 * Saves the copy's slots less one, and the verifier's work on them.
 */
final class TailMerge {
  private final List<PendingInsn> code;
  private final List<Label> labels;
  private final Supplier<Label> newLabel;

  TailMerge(List<PendingInsn> code, List<Label> labels, Supplier<Label> newLabel) {
    this.code = code;
    this.labels = labels;
    this.newLabel = newLabel;
  }

  /** Merges one pair of tails, the one that saves most; true when the code changed. */
  boolean run() {
    ControlGraph graph = ControlGraph.of(code);
    List<Integer> exiting = new ArrayList<>();
    for (int b = 0; b < graph.blockCount(); b++) {
      if (code.get(graph.end(b) - 1).insn().kind() == InsnKind.EXIT) {
        exiting.add(b);
      }
    }
    int bestSaving = 0;
    int keepStart = -1;
    int dropStart = -1;
    int dropEnd = -1;
    for (int x = 0; x < exiting.size(); x++) {
      for (int y = x + 1; y < exiting.size(); y++) {
        int bx = exiting.get(x);
        int by = exiting.get(y);
        int ex = graph.end(bx);
        int ey = graph.end(by);
        int length = 0;
        int slots = 0;
        while (ex - length - 1 >= graph.start(bx)
            && ey - length - 1 >= graph.start(by)
            && same(code.get(ex - length - 1), code.get(ey - length - 1))) {
          slots += code.get(ey - length - 1).insn().slots();
          length++;
        }
        int saving = slots - 1;
        if (length >= 2 && saving > bestSaving) {
          bestSaving = saving;
          keepStart = ex - length;
          dropStart = ey - length;
          dropEnd = ey;
        }
      }
    }
    if (bestSaving <= 0) {
      return false;
    }
    Label target = labelAt(keepStart);
    PendingInsn first = code.get(dropStart);
    List<PendingInsn> replacement = new ArrayList<>();
    replacement.add(
        new PendingInsn(
            new Insn(Opcode.JA, Register.R0, Register.R0, (short) 0, 0),
            target,
            first.pos(),
            null));
    int removed = dropEnd - dropStart - 1;
    for (int i = dropEnd - 1; i > dropStart; i--) {
      code.remove(i);
    }
    code.set(dropStart, replacement.get(0));
    for (Label label : labels) {
      if (label.isBound() && label.index() > dropStart) {
        label.bindTo(Math.max(dropStart + 1, label.index() - removed));
      }
    }
    return true;
  }

  private Label labelAt(int index) {
    for (Label label : labels) {
      if (label.isBound() && label.index() == index) {
        return label;
      }
    }
    Label label = newLabel.get();
    label.bindTo(index);
    return label;
  }

  private static boolean same(PendingInsn a, PendingInsn b) {
    return a.target() == null
        && b.target() == null
        && a.insn().equals(b.insn())
        && java.util.Objects.equals(a.mapName(), b.mapName());
  }
}
