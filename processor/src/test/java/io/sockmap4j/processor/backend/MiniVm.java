package io.sockmap4j.processor.backend;

import java.util.List;

/**
 * A small eBPF interpreter for optimiser tests: moves, ALU, 4-byte context loads, conditional and
 * unconditional jumps, exit. It lets a test check what optimised code computes on every path
 * without a kernel (the kernel cannot test-run SK_SKB programs anyway).
 */
final class MiniVm {
  private MiniVm() {}

  /** Runs {@code program} with r1 pointing at a context whose u32 at offset 0 is {@code ctx0}. */
  static long run(Program program, int ctx0) {
    List<Insn> insns = program.instructions();
    int[] slotOf = new int[insns.size() + 1];
    for (int i = 0; i < insns.size(); i++) {
      slotOf[i + 1] = slotOf[i] + insns.get(i).slots();
    }
    long[] reg = new long[11];
    int pc = 0;
    for (int steps = 0; steps < 10_000; steps++) {
      Insn insn = insns.get(pc);
      int next = pc + 1;
      switch (insn.kind()) {
        case ALU_IMM:
        case ALU_REG:
          {
            boolean wide = insn.insnClass() == InsnClass.ALU64;
            long b = insn.kind() == InsnKind.ALU_IMM ? insn.imm() : reg[insn.src().number()];
            long a = reg[insn.dst().number()];
            long r = alu(Opcode.op(insn.opcode()), a, b, wide);
            reg[insn.dst().number()] = wide ? r : r & 0xFFFF_FFFFL;
            break;
          }
        case LOAD:
          reg[insn.dst().number()] = insn.off() == 0 ? ctx0 & 0xFFFF_FFFFL : 0;
          break;
        case JA:
          next = indexOfSlot(slotOf, slotOf[pc] + 1 + insn.off());
          break;
        case JUMP_IMM:
        case JUMP_REG:
          {
            boolean wide = insn.insnClass() == InsnClass.JMP;
            long a = reg[insn.dst().number()];
            long b = insn.kind() == InsnKind.JUMP_IMM ? insn.imm() : reg[insn.src().number()];
            if (taken(Opcode.op(insn.opcode()), a, b, wide)) {
              next = indexOfSlot(slotOf, slotOf[pc] + 1 + insn.off());
            }
            break;
          }
        case CALL:
          for (int r = 0; r <= 5; r++) {
            reg[r] = 0xDEAD_0000L + r; // a helper's result, and clobbered argument registers
          }
          break;
        case EXIT:
          return reg[0];
        default:
          throw new IllegalArgumentException("MiniVm does not run " + insn);
      }
      pc = next;
    }
    throw new IllegalStateException("no exit after 10,000 steps");
  }

  private static int indexOfSlot(int[] slotOf, int slot) {
    for (int i = 0; i < slotOf.length; i++) {
      if (slotOf[i] == slot) {
        return i;
      }
    }
    throw new IllegalStateException("jump into the middle of an instruction: slot " + slot);
  }

  private static long alu(int op, long a, long b, boolean wide) {
    if (!wide) {
      a = (int) a;
      b = (int) b;
    }
    if (op == AluOp.MOV.code()) {
      return b;
    } else if (op == AluOp.ADD.code()) {
      return a + b;
    } else if (op == AluOp.SUB.code()) {
      return a - b;
    } else if (op == AluOp.AND.code()) {
      return a & b;
    } else if (op == AluOp.OR.code()) {
      return a | b;
    } else if (op == AluOp.XOR.code()) {
      return a ^ b;
    }
    throw new IllegalArgumentException("MiniVm does not run ALU op " + op);
  }

  private static boolean taken(int op, long a, long b, boolean wide) {
    long sa = wide ? a : (int) a;
    long sb = wide ? b : (int) b;
    long ua = wide ? a : a & 0xFFFF_FFFFL;
    long ub = wide ? b : b & 0xFFFF_FFFFL;
    JumpOp jump = JumpOp.ofCode(op).orElseThrow();
    switch (jump) {
      case JEQ:
        return ua == ub;
      case JNE:
        return ua != ub;
      case JSGT:
        return sa > sb;
      case JSGE:
        return sa >= sb;
      case JSLT:
        return sa < sb;
      case JSLE:
        return sa <= sb;
      case JGT:
        return Long.compareUnsigned(ua, ub) > 0;
      case JGE:
        return Long.compareUnsigned(ua, ub) >= 0;
      case JLT:
        return Long.compareUnsigned(ua, ub) < 0;
      case JLE:
        return Long.compareUnsigned(ua, ub) <= 0;
      default:
        return (ua & ub) != 0;
    }
  }
}
