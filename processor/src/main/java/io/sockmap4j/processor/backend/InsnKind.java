package io.sockmap4j.processor.backend;

/**
 * What an opcode does, among the instruction forms sockmap4j programs use.
 *
 * <p>The printer and the checker switch on this instead of on raw bits. {@link #INVALID} covers
 * both bytes that are no eBPF instruction and instructions sockmap4j deliberately avoids: legacy
 * packet loads ({@code BPF_ABS}/{@code BPF_IND}, refused for SK_SKB and SK_MSG), atomics on bytes
 * and halves, and the cpu v4 forms of kernel 6.6 ({@code BPF_MEMSX}, {@code ALU64 | BPF_END},
 * {@code JMP32 | BPF_JA}).
 */
public enum InsnKind {
  /** {@code dst op= src}, 32 or 64 bits. */
  ALU_REG,
  /** {@code dst op= imm}, 32 or 64 bits. */
  ALU_IMM,
  /** {@code dst = -dst}. */
  NEG,
  /** {@code dst = be16/32/64 dst} or {@code le16/32/64}. */
  BYTE_SWAP,
  /** {@code dst = imm64}, two slots, optionally a map reference. */
  LD_IMM64,
  /** {@code dst = *(size *)(src + off)}. */
  LOAD,
  /** {@code *(size *)(dst + off) = src}. */
  STORE,
  /** {@code *(size *)(dst + off) = imm}. */
  STORE_IMM,
  /** {@code goto off}. */
  JA,
  /** {@code if dst op src goto off}. */
  JUMP_REG,
  /** {@code if dst op imm goto off}. */
  JUMP_IMM,
  /** {@code call imm}. */
  CALL,
  /** {@code exit}. */
  EXIT,
  /** Not an instruction sockmap4j programs may contain. */
  INVALID,
  /**
   * {@code lock *(size *)(dst + off) += src}, 32 or 64 bits ({@code BPF_STX | BPF_ATOMIC}, the
   * immediate {@code BPF_ADD}): reads and writes memory, changes no register.
   */
  ATOMIC_ADD;

  /** Classifies an opcode byte. */
  public static InsnKind of(int opcode) {
    InsnClass insnClass = InsnClass.ofOpcode(opcode);
    return switch (insnClass) {
      case ALU, ALU64 -> ofAlu(insnClass, opcode);
      case JMP, JMP32 -> ofJump(insnClass, opcode);
      case LD -> opcode == Opcode.LD_IMM64 ? LD_IMM64 : INVALID;
      case LDX -> Opcode.mode(opcode) == Opcode.MODE_MEM ? LOAD : INVALID;
      case ST -> Opcode.mode(opcode) == Opcode.MODE_MEM ? STORE_IMM : INVALID;
      case STX -> ofStx(opcode);
    };
  }

  /** Whether the instruction may transfer control to its jump target. */
  public boolean isJump() {
    return this == JA || this == JUMP_REG || this == JUMP_IMM;
  }

  private static InsnKind ofStx(int opcode) {
    if (Opcode.mode(opcode) == Opcode.MODE_MEM) {
      return STORE;
    }
    Size size = Size.ofOpcode(opcode);
    boolean wide = size == Size.W || size == Size.DW;
    return Opcode.mode(opcode) == Opcode.MODE_ATOMIC && wide ? ATOMIC_ADD : INVALID;
  }

  private static InsnKind ofAlu(InsnClass insnClass, int opcode) {
    int op = Opcode.op(opcode);
    boolean register = Opcode.hasRegisterSource(opcode);
    if (op == Opcode.OP_END) {
      return insnClass == InsnClass.ALU ? BYTE_SWAP : INVALID;
    }
    if (op == AluOp.NEG.code()) {
      return register ? INVALID : NEG;
    }
    if (AluOp.ofCode(op).isEmpty()) {
      return INVALID;
    }
    return register ? ALU_REG : ALU_IMM;
  }

  private static InsnKind ofJump(InsnClass insnClass, int opcode) {
    int op = Opcode.op(opcode);
    boolean register = Opcode.hasRegisterSource(opcode);
    if (op == Opcode.OP_JA || op == Opcode.OP_CALL || op == Opcode.OP_EXIT) {
      if (insnClass != InsnClass.JMP || register) {
        return INVALID;
      }
      return op == Opcode.OP_JA ? JA : op == Opcode.OP_CALL ? CALL : EXIT;
    }
    if (JumpOp.ofCode(op).isEmpty()) {
      return INVALID;
    }
    return register ? JUMP_REG : JUMP_IMM;
  }
}
