package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one linking pass: turns labels into slot offsets and collects relocations and line entries.
 *
 * <p>Offsets count slots from the instruction after the jump, so an {@code ld_imm64} between a jump
 * and its target counts twice:
 *
 * <pre>
 *   slot 0: if r1 == 0 goto +2     target = 0 + 1 + 2 = slot 3
 *   slot 1: r2 = 0x1 ll            (slots 1 and 2)
 *   slot 3: exit                   &lt;- label
 * </pre>
 */
final class Linker {
  private Linker() {}

  /**
   * Links the recorded instructions.
   *
   * @param code the instructions in emission order
   * @param labels every label of the assembler, in creation order
   * @throws LinkException listing every unbound label that is jumped to and every jump whose offset
   *     does not fit in 16 bits
   */
  static Program link(List<PendingInsn> code, List<Label> labels) {
    int[] slotOf = new int[code.size() + 1];
    for (int i = 0; i < code.size(); i++) {
      slotOf[i + 1] = slotOf[i] + code.get(i).insn().slots();
    }
    List<Insn> instructions = new ArrayList<>(code.size());
    List<String> problems = new ArrayList<>();
    Map<Label, List<Integer>> unboundJumps = new LinkedHashMap<>();
    for (int i = 0; i < code.size(); i++) {
      PendingInsn pending = code.get(i);
      Label target = pending.target();
      if (target == null) {
        instructions.add(pending.insn());
      } else if (!target.isBound()) {
        unboundJumps.computeIfAbsent(target, label -> new ArrayList<>()).add(slotOf[i]);
        instructions.add(pending.insn());
      } else {
        int offset = slotOf[target.index()] - (slotOf[i] + 1);
        if (offset != (short) offset) {
          problems.add(
              "the jump at slot "
                  + slotOf[i]
                  + " to label "
                  + target.name()
                  + " at slot "
                  + slotOf[target.index()]
                  + " needs offset "
                  + offset
                  + ", beyond the 16-bit range -32768..32767");
        }
        instructions.add(pending.insn().withOff((short) offset));
      }
    }
    List<String> unboundNames = new ArrayList<>();
    for (Label label : labels) {
      List<Integer> jumps = unboundJumps.get(label);
      if (jumps != null) {
        unboundNames.add(label.name());
        problems.add(
            "label "
                + label.name()
                + " is never bound but jumped to from "
                + (jumps.size() == 1 ? "slot " : "slots ")
                + jumps.stream().map(String::valueOf).collect(Collectors.joining(", ")));
      }
    }
    if (!problems.isEmpty()) {
      throw new LinkException(problems, unboundNames);
    }
    return Program.of(instructions, relocations(code, slotOf), lines(code, slotOf));
  }

  private static List<Relocation> relocations(List<PendingInsn> code, int[] slotOf) {
    List<Relocation> relocations = new ArrayList<>();
    for (int i = 0; i < code.size(); i++) {
      String mapName = code.get(i).mapName();
      if (mapName != null) {
        relocations.add(new Relocation(slotOf[i], mapName));
      }
    }
    return relocations;
  }

  /**
   * One entry wherever the position changes. Instructions without a position inherit the one before
   * them, as a {@code line_info} record covers every instruction up to the next record.
   */
  private static List<LineEntry> lines(List<PendingInsn> code, int[] slotOf) {
    List<LineEntry> lines = new ArrayList<>();
    SourcePos current = null;
    for (int i = 0; i < code.size(); i++) {
      SourcePos pos = code.get(i).pos();
      if (pos != null && !pos.equals(current)) {
        lines.add(new LineEntry(slotOf[i], pos));
        current = pos;
      }
    }
    return lines;
  }
}
