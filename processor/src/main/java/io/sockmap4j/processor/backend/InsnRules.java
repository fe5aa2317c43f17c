package io.sockmap4j.processor.backend;

import java.util.Locale;
import java.util.Set;

/**
 * The {@link Checker}'s rules that look at one instruction at a time: valid opcode with reserved
 * fields zero, no writes to r10, shift amounts within the width, no division by a constant 0, stack
 * accesses inside the frame, and known helpers. Each mirrors a rejection of the kernel verifier
 * ({@code kernel/bpf/verifier.c}).
 */
final class InsnRules {
  /** The eBPF stack size: r10 points just past it. */
  static final int STACK_BYTES = 512;

  private static final Set<Long> BYTE_SWAP_BITS = Set.of(16L, 32L, 64L);

  private InsnRules() {}

  static void check(Program program, int index, Problems problems) {
    Insn insn = program.instructions().get(index);
    Report report = new Report(program, index, problems);
    if (insn.kind() == InsnKind.INVALID) {
      report.add(invalidOpcode(insn.opcode()));
      return;
    }
    checkReservedFields(insn, report);
    checkFramePointerWrite(insn, report);
    checkImmediate(insn, report);
    checkStackAccess(insn, report);
    checkHelper(insn, report);
  }

  /** Adds problems for one instruction, prefixed with its listing text. */
  private record Report(Program program, int index, Problems problems) {
    void add(String message) {
      problems.add(program.slotOf(index), "`" + Printer.format(program, index) + "` " + message);
    }

    void requireZero(String field, long value) {
      if (value != 0) {
        add("has " + value + " in the reserved field " + field + ", which must be 0");
      }
    }
  }

  private static String invalidOpcode(int opcode) {
    InsnClass insnClass = InsnClass.ofOpcode(opcode);
    String why =
        switch (insnClass) {
          case LD ->
              "only ld_imm64 (0x18) is allowed; legacy packet loads are refused for"
                  + " sockmap programs";
          case STX ->
              "only plain stores (BPF_MEM) and 32- or 64-bit atomic adds are emitted; the kernel"
                  + " has no atomics on bytes and halves";
          default -> "it is no eBPF instruction, or a cpu v4 form that needs kernel 6.6";
        };
    return String.format(Locale.ROOT, "has opcode 0x%02x (class %s): %s", opcode, insnClass, why);
  }

  private static void checkReservedFields(Insn insn, Report report) {
    int dst = insn.dst().number();
    int src = insn.src().number();
    switch (insn.kind()) {
      case ALU_REG, JUMP_REG, LOAD, STORE -> report.requireZero("imm", insn.imm());
      case ALU_IMM, JUMP_IMM, STORE_IMM -> report.requireZero("src_reg", src);
      case NEG -> {
        report.requireZero("src_reg", src);
        report.requireZero("imm", insn.imm());
      }
      case BYTE_SWAP -> {
        report.requireZero("src_reg", src);
        if (!BYTE_SWAP_BITS.contains(insn.imm())) {
          report.add("converts " + insn.imm() + " bits; only 16, 32 and 64 exist");
        }
      }
      case LD_IMM64 -> {
        if (src != 0 && src != Opcode.PSEUDO_MAP_FD) {
          report.add("has src_reg " + src + "; only 0 (constant) and 1 (map fd) are used");
        }
      }
      case JA, CALL, EXIT -> {
        report.requireZero("dst_reg", dst);
        report.requireZero("src_reg", src);
        if (insn.kind() == InsnKind.EXIT || insn.kind() == InsnKind.JA) {
          report.requireZero("imm", insn.imm());
        }
      }
      case ATOMIC_ADD -> {
        if (insn.imm() != Opcode.ATOMIC_ADD) {
          report.add(
              "has atomic operation " + insn.imm() + "; only add (0) without fetch is emitted");
        }
      }
      case INVALID -> throw new AssertionError("handled by the caller");
    }
    boolean offsetIsOperand =
        insn.kind().isJump()
            || insn.kind() == InsnKind.LOAD
            || insn.kind() == InsnKind.STORE
            || insn.kind() == InsnKind.STORE_IMM
            || insn.kind() == InsnKind.ATOMIC_ADD;
    if (!offsetIsOperand) {
      report.requireZero("off", insn.off());
    }
  }

  private static void checkFramePointerWrite(Insn insn, Report report) {
    boolean writesDst =
        switch (insn.kind()) {
          case ALU_REG, ALU_IMM, NEG, BYTE_SWAP, LD_IMM64, LOAD -> true;
          default -> false;
        };
    if (writesDst && insn.dst() == Register.R10) {
      report.add("writes r10, the read-only frame pointer");
    }
  }

  private static void checkImmediate(Insn insn, Report report) {
    if (insn.kind() != InsnKind.ALU_IMM) {
      return;
    }
    AluOp op = AluOp.ofCode(Opcode.op(insn.opcode())).orElseThrow();
    int bits = insn.insnClass() == InsnClass.ALU ? 32 : 64;
    if (op.isShift() && (insn.imm() < 0 || insn.imm() >= bits)) {
      report.add("shifts by " + insn.imm() + "; a " + bits + "-bit shift takes 0 to " + (bits - 1));
    }
    if ((op == AluOp.DIV || op == AluOp.MOD) && insn.imm() == 0) {
      report.add("divides by the constant 0, which the verifier refuses");
    }
  }

  private static void checkStackAccess(Insn insn, Report report) {
    Register base =
        switch (insn.kind()) {
          case LOAD -> insn.src();
          case STORE, STORE_IMM, ATOMIC_ADD -> insn.dst();
          default -> null;
        };
    if (base != Register.R10) {
      return;
    }
    int bytes = Size.ofOpcode(insn.opcode()).bytes();
    int off = insn.off();
    if (off < -STACK_BYTES || off + bytes > 0) {
      report.add(
          "accesses "
              + bytes
              + " bytes at r10 "
              + String.format(Locale.ROOT, "%+d", off)
              + ", outside the "
              + STACK_BYTES
              + "-byte stack (r10 -512 to r10 -1)");
    } else if (off % bytes != 0) {
      report.add("accesses the stack misaligned: the offset must be a multiple of " + bytes);
    }
  }

  private static void checkHelper(Insn insn, Report report) {
    if (insn.kind() == InsnKind.CALL && Helper.ofId((int) insn.imm()).isEmpty()) {
      report.add("calls helper " + insn.imm() + ", which is not in sockmap4j's Helper table");
    }
  }
}
