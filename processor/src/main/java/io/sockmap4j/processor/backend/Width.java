package io.sockmap4j.processor.backend;

/**
 * The operand width of an ALU operation or a conditional jump.
 *
 * <p>The width is not a field of its own: it selects the instruction class. 32-bit ALU results are
 * zero-extended into the upper half of the register; 32-bit jumps ({@code BPF_JMP32}) compare the
 * lower halves only and need kernel 5.1.
 *
 * <pre>
 *   width  ALU class          jump class
 *   W32    BPF_ALU   (0x04)   BPF_JMP32 (0x06)
 *   W64    BPF_ALU64 (0x07)   BPF_JMP   (0x05)
 * </pre>
 */
public enum Width {
  W32(InsnClass.ALU, InsnClass.JMP32, 'w'),
  W64(InsnClass.ALU64, InsnClass.JMP, 'r');

  private final InsnClass aluClass;
  private final InsnClass jumpClass;
  private final char registerPrefix;

  Width(InsnClass aluClass, InsnClass jumpClass, char registerPrefix) {
    this.aluClass = aluClass;
    this.jumpClass = jumpClass;
    this.registerPrefix = registerPrefix;
  }

  /** The class of ALU instructions of this width. */
  public InsnClass aluClass() {
    return aluClass;
  }

  /** The class of conditional jumps of this width. */
  public InsnClass jumpClass() {
    return jumpClass;
  }

  /** The number of bits an operation of this width works on. */
  public int bits() {
    return this == W32 ? 32 : 64;
  }

  /** The register name in listings: {@code w1} for 32-bit operands, {@code r1} for 64-bit. */
  public String registerName(Register register) {
    return registerPrefix + Integer.toString(register.number());
  }
}
