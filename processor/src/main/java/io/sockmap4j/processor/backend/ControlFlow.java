package io.sockmap4j.processor.backend;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The {@link Checker}'s rules about control flow, over the graph whose nodes are the logical
 * instructions:
 *
 * <pre>
 *   exit                   no successor (ends a path)
 *   goto off               target only
 *   if ... goto off        next and target
 *   anything else, call    next
 * </pre>
 *
 * <p>The verifier refuses a jump outside the program or into the second half of an {@code ld_imm64}
 * ("jump out of range", "jump into the middle of ldimm64 insn"), any instruction it cannot reach
 * from the first ("unreachable insn"), and a last instruction that could fall off the end ("last
 * insn is not an exit or jmp").
 */
final class ControlFlow {
  private ControlFlow() {}

  static void check(Program program, Problems problems) {
    int count = program.instructions().size();
    if (count == 0) {
      problems.add(0, "the program is empty; it needs at least an exit");
      return;
    }
    int[] targets = new int[count];
    for (int i = 0; i < count; i++) {
      targets[i] = checkTarget(program, i, problems);
    }
    InsnKind last = program.instructions().get(count - 1).kind();
    if (last != InsnKind.EXIT && last != InsnKind.JA) {
      problems.add(
          program.slotOf(count - 1),
          "the last instruction must be exit or goto, or execution runs off the end");
    }
    reportUnreachable(program, reachable(program, targets), problems);
  }

  /** The logical index a jump lands on, -1 for no jump, after reporting a bad target. */
  private static int checkTarget(Program program, int index, Problems problems) {
    Insn insn = program.instructions().get(index);
    if (!insn.kind().isJump()) {
      return -1;
    }
    int slot = program.slotOf(index);
    int target = program.jumpTargetSlot(index);
    if (target < 0 || target >= program.slotCount()) {
      problems.add(
          slot,
          "jumps to slot "
              + target
              + ", outside the program (slots 0 to "
              + (program.slotCount() - 1)
              + ")");
      return -1;
    }
    int targetIndex = program.indexAtSlot(target);
    if (targetIndex < 0) {
      problems.add(
          slot,
          "jumps to slot " + target + ", the second half of the ld_imm64 at slot " + (target - 1));
    }
    return targetIndex;
  }

  private static boolean[] reachable(Program program, int[] targets) {
    int count = program.instructions().size();
    boolean[] seen = new boolean[count];
    Deque<Integer> work = new ArrayDeque<>();
    seen[0] = true;
    work.push(0);
    while (!work.isEmpty()) {
      int index = work.pop();
      InsnKind kind = program.instructions().get(index).kind();
      int next = index + 1;
      boolean fallsThrough = kind != InsnKind.EXIT && kind != InsnKind.JA;
      if (fallsThrough && next < count && !seen[next]) {
        seen[next] = true;
        work.push(next);
      }
      int target = targets[index];
      if (target >= 0 && !seen[target]) {
        seen[target] = true;
        work.push(target);
      }
    }
    return seen;
  }

  /** One problem per run of unreachable instructions, at the run's first slot. */
  private static void reportUnreachable(Program program, boolean[] reachable, Problems problems) {
    int count = reachable.length;
    int i = 0;
    while (i < count) {
      if (reachable[i]) {
        i++;
        continue;
      }
      int first = i;
      while (i < count && !reachable[i]) {
        i++;
      }
      int firstSlot = program.slotOf(first);
      int lastSlot = program.slotOf(i) - 1;
      String range =
          firstSlot == lastSlot ? "slot " + firstSlot : "slots " + firstSlot + " to " + lastSlot;
      problems.add(firstSlot, "unreachable from slot 0 (" + range + ")");
    }
  }
}
