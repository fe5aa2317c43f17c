package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * What an instruction reads and writes, as register bit masks (bit n = rn). r10 never appears: the
 * frame pointer is read-only and always live. A helper call reads r1-r5 (whatever the helper's
 * arity: reading too much only keeps code alive) and leaves r0-r5 changed.
 */
final class Effects {
  private static final int ARGUMENTS = 0b111110; // r1-r5
  private static final int CALL_CLOBBERS = 0b111111; // r0-r5

  private Effects() {}

  static int useMask(Insn insn) {
    switch (insn.kind()) {
      case ALU_REG:
        return isMov(insn) ? bit(insn.src()) : bit(insn.dst()) | bit(insn.src());
      case ALU_IMM:
        return isMov(insn) ? 0 : bit(insn.dst());
      case NEG:
      case BYTE_SWAP:
      case JUMP_IMM:
      case STORE_IMM:
        return bit(insn.dst());
      case LOAD:
        return bit(insn.src());
      case STORE:
      case JUMP_REG:
      case ATOMIC_ADD:
        return bit(insn.dst()) | bit(insn.src());
      case CALL:
        return ARGUMENTS;
      case EXIT:
        return bit(Register.R0);
      default:
        return 0;
    }
  }

  static int defMask(Insn insn) {
    switch (insn.kind()) {
      case ALU_REG:
      case ALU_IMM:
      case NEG:
      case BYTE_SWAP:
      case LD_IMM64:
      case LOAD:
        return bit(insn.dst());
      case CALL:
        return CALL_CLOBBERS;
      default:
        return 0;
    }
  }

  static List<Register> defs(Insn insn) {
    List<Register> defs = new ArrayList<>(6);
    int mask = defMask(insn);
    for (Register r : Register.values()) {
      if ((mask & bit(r)) != 0) {
        defs.add(r);
      }
    }
    return defs;
  }

  /** Stores, calls, jumps and exit: never deleted for having unused results. */
  static boolean hasSideEffects(Insn insn) {
    switch (insn.kind()) {
      case ALU_REG:
      case ALU_IMM:
      case NEG:
      case BYTE_SWAP:
      case LD_IMM64:
      case LOAD:
        return false;
      default:
        return true;
    }
  }

  private static boolean isMov(Insn insn) {
    return Opcode.op(insn.opcode()) == AluOp.MOV.code();
  }

  private static int bit(Register r) {
    return r == Register.R10 ? 0 : 1 << r.number();
  }
}
