package io.sockmap4j.processor.backend;

/**
 * The instruction class: the lowest three bits of every opcode ({@code BPF_CLASS}).
 *
 * <p>The enum order is the code order, so {@code values()[opcode & 7]} decodes a class.
 */
public enum InsnClass {
  /** Loads of immediates; only {@code ld_imm64} is used. */
  LD(0x00),
  /** Register = memory. */
  LDX(0x01),
  /** Memory = immediate. */
  ST(0x02),
  /** Memory = register. */
  STX(0x03),
  /** 32-bit arithmetic. */
  ALU(0x04),
  /** 64-bit jumps, calls and exit. */
  JMP(0x05),
  /** 32-bit conditional jumps (kernel 5.1). */
  JMP32(0x06),
  /** 64-bit arithmetic. */
  ALU64(0x07);

  /** The mask of the class field inside an opcode. */
  static final int MASK = 0x07;

  private static final InsnClass[] BY_CODE = values();

  private final int code;

  InsnClass(int code) {
    this.code = code;
  }

  /** The class field: OR it into the opcode. */
  public int code() {
    return code;
  }

  /** The class of an opcode; every value of the three bits is a class. */
  public static InsnClass ofOpcode(int opcode) {
    return BY_CODE[opcode & MASK];
  }
}
