package io.sockmap4j.processor.backend;

import java.util.List;

/**
 * Checks a program against the rules the kernel verifier applies before it looks at types and
 * values, the way ASM's {@code CheckClassAdapter} checks bytecode: the compiler's promise is that a
 * program that compiles also loads, so these are compiler bugs caught before the kernel sees them.
 *
 * <p>The rules, each reported as {@code "slot N: ..."}:
 *
 * <ul>
 *   <li>every opcode is a valid instruction of the classic ISA, with reserved fields zero;
 *   <li>registers are r0 to r10 ({@link #checkEncoded}; a {@link Program} cannot hold others);
 *   <li>r10, the frame pointer, is never written;
 *   <li>an immediate shift amount is below the width (0 to 31 or 0 to 63);
 *   <li>no division or modulo by the constant 0;
 *   <li>stack accesses through r10 lie within r10 -512 to r10 -1 and are aligned to their size;
 *   <li>calls name a helper of {@link Helper};
 *   <li>every jump lands inside the program, and not in the middle of an {@code ld_imm64};
 *   <li>every instruction is reachable from instruction 0;
 *   <li>the last instruction is {@code exit} or {@code goto}.
 * </ul>
 *
 * <p>Types, bounds, helper argument types and the stack budget across calls are the verifier's
 * business and are not modelled here.
 */
public final class Checker {
  private Checker() {}

  /** The problems of {@code program}, in slot order; empty when it is fine. */
  public static List<String> check(Program program) {
    Problems problems = new Problems();
    check(program, problems);
    return problems.messages();
  }

  /**
   * The problems of an encoded program: those only raw bytes can have (registers above r10, a
   * missing or dirty second half of an {@code ld_imm64}), then, if the bytes decode, those of
   * {@link #check(Program)}.
   */
  public static List<String> checkEncoded(byte[] bytes) {
    Problems problems = new Problems();
    if (bytes.length % InsnCodec.SLOT_BYTES != 0) {
      problems.add(
          bytes.length / InsnCodec.SLOT_BYTES,
          "the program is " + bytes.length + " bytes long, not a multiple of 8");
      return problems.messages();
    }
    List<InsnCodec.RawSlot> slots = InsnCodec.slots(bytes);
    boolean decodable = true;
    for (int slot = 0; slot < slots.size(); slot++) {
      InsnCodec.RawSlot raw = slots.get(slot);
      decodable &= checkRegister(slot, "dst_reg", raw.dst(), problems);
      decodable &= checkRegister(slot, "src_reg", raw.src(), problems);
      if (raw.opcode() == Opcode.LD_IMM64) {
        if (slot + 1 == slots.size()) {
          problems.add(slot, "ld_imm64 lacks its second slot");
          decodable = false;
        } else {
          checkSecondHalf(slot + 1, slots.get(slot + 1), problems);
          slot++;
        }
      }
    }
    if (decodable) {
      check(Program.decode(bytes), problems);
    }
    return problems.messages();
  }

  private static void check(Program program, Problems problems) {
    for (int i = 0; i < program.instructions().size(); i++) {
      InsnRules.check(program, i, problems);
    }
    ControlFlow.check(program, problems);
  }

  private static boolean checkRegister(int slot, String field, int number, Problems problems) {
    if (number > Register.R10.number()) {
      problems.add(slot, field + " is r" + number + ", but only r0 to r10 exist");
      return false;
    }
    return true;
  }

  private static void checkSecondHalf(int slot, InsnCodec.RawSlot raw, Problems problems) {
    if (raw.opcode() != 0 || raw.dst() != 0 || raw.src() != 0 || raw.off() != 0) {
      problems.add(
          slot,
          "the second half of the ld_imm64 at slot "
              + (slot - 1)
              + " must have opcode, registers and offset 0");
    }
  }
}
