package io.sockmap4j.processor.backend;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Prints a {@link Program} as a listing in the style of {@code bpftool prog dump xlated}, with the
 * Java source line above the instructions generated from it:
 *
 * <pre>
 * ; if (msg.size() &lt; 4) {   // line 12
 *    0: r2 = *(u32 *)(r1 +68)
 *    1: if r2 &lt; 4 goto +2 &lt;4&gt;
 * </pre>
 *
 * <p>The number on the left is the slot, which is what the verifier log and {@code bpftool} print;
 * jumps show their offset and, in angle brackets, the slot they land on. Registers of 32-bit
 * operations print as {@code w1}. The format is stable: golden files depend on it.
 */
public final class Printer {
  private Printer() {}

  /**
   * The listing of {@code program}.
   *
   * @param sourceLine maps a 1-based line number to its source text, or to null if unknown (the
   *     comment then shows the line number only)
   */
  public static String print(Program program, IntFunction<String> sourceLine) {
    Map<Integer, SourcePos> positionBySlot = new HashMap<>();
    for (LineEntry entry : program.lines()) {
      positionBySlot.put(entry.slot(), entry.pos());
    }
    StringBuilder out = new StringBuilder();
    int currentLine = 0;
    for (int i = 0; i < program.instructions().size(); i++) {
      int slot = program.slotOf(i);
      SourcePos pos = positionBySlot.get(slot);
      if (pos != null && pos.line() != currentLine) {
        currentLine = pos.line();
        out.append(comment(currentLine, sourceLine.apply(currentLine))).append('\n');
      }
      out.append(String.format(Locale.ROOT, "%4d: ", slot)).append(format(program, i)).append('\n');
    }
    return out.toString();
  }

  /** The listing of {@code program} without source text. */
  public static String print(Program program) {
    return print(program, line -> null);
  }

  /** The text of the logical instruction at {@code index}, as in the listing. */
  static String format(Program program, int index) {
    Insn insn = program.instructions().get(index);
    int slot = program.slotOf(index);
    return switch (insn.kind()) {
      case ALU_REG, ALU_IMM -> alu(insn);
      case NEG -> {
        String dst = width(insn).registerName(insn.dst());
        yield dst + " = -" + dst;
      }
      case BYTE_SWAP -> {
        String order = Opcode.hasRegisterSource(insn.opcode()) ? "be" : "le";
        yield reg64(insn.dst()) + " = " + order + insn.imm() + " " + reg64(insn.dst());
      }
      case LD_IMM64 -> reg64(insn.dst()) + " = " + imm64(program, slot, insn) + " ll";
      case LOAD -> reg64(insn.dst()) + " = " + memory(insn, insn.src());
      case STORE -> memory(insn, insn.dst()) + " = " + reg64(insn.src());
      case STORE_IMM -> memory(insn, insn.dst()) + " = " + insn.imm();
      case ATOMIC_ADD -> "lock " + memory(insn, insn.dst()) + " += " + reg64(insn.src());
      case JA -> "goto " + target(program, index);
      case JUMP_REG, JUMP_IMM -> conditional(program, index);
      case CALL -> call(insn);
      case EXIT -> "exit";
      case INVALID ->
          String.format(
              Locale.ROOT,
              "invalid opcode 0x%02x dst=%s src=%s off=%d imm=%d",
              insn.opcode(),
              reg64(insn.dst()),
              reg64(insn.src()),
              insn.off(),
              insn.imm());
    };
  }

  private static String comment(int line, String text) {
    if (text == null || text.isBlank()) {
      return "; line " + line;
    }
    return "; " + text.strip() + "   // line " + line;
  }

  private static String alu(Insn insn) {
    Width width = width(insn);
    AluOp op = AluOp.ofCode(Opcode.op(insn.opcode())).orElseThrow();
    String operand =
        insn.kind() == InsnKind.ALU_REG
            ? width.registerName(insn.src())
            : Long.toString(insn.imm());
    return width.registerName(insn.dst()) + " " + op.symbol() + " " + operand;
  }

  private static String call(Insn insn) {
    String name = Helper.ofId((int) insn.imm()).map(Helper::kernelName).orElse("");
    return "call " + name + "#" + insn.imm();
  }

  private static String imm64(Program program, int slot, Insn insn) {
    if (insn.isMapReference()) {
      return "map[" + program.mapNameAt(slot).orElse("fd " + insn.imm()) + "]";
    }
    String value = "0x" + Long.toHexString(insn.imm());
    return insn.src() == Register.R0 ? value : value + " src=" + insn.src().number();
  }

  private static String memory(Insn insn, Register base) {
    String type = Size.ofOpcode(insn.opcode()).cType();
    return String.format(Locale.ROOT, "*(%s *)(%s %+d)", type, reg64(base), insn.off());
  }

  private static String conditional(Program program, int index) {
    Insn insn = program.instructions().get(index);
    Width width = insn.insnClass() == InsnClass.JMP32 ? Width.W32 : Width.W64;
    JumpOp op = JumpOp.ofCode(Opcode.op(insn.opcode())).orElseThrow();
    String right =
        insn.kind() == InsnKind.JUMP_REG
            ? width.registerName(insn.src())
            : Long.toString(insn.imm());
    return "if "
        + width.registerName(insn.dst())
        + " "
        + op.symbol()
        + " "
        + right
        + " goto "
        + target(program, index);
  }

  private static String target(Program program, int index) {
    return String.format(
        Locale.ROOT,
        "%+d <%d>",
        program.instructions().get(index).off(),
        program.jumpTargetSlot(index));
  }

  private static Width width(Insn insn) {
    return insn.insnClass() == InsnClass.ALU ? Width.W32 : Width.W64;
  }

  private static String reg64(Register register) {
    return Width.W64.registerName(register);
  }
}
