package io.sockmap4j.processor.backend;

import java.util.Objects;

/**
 * One logical eBPF instruction: the fields of {@code struct bpf_insn}, with {@code ld_imm64} as a
 * single value holding the whole 64-bit immediate.
 *
 * <pre>
 *   struct bpf_insn (8 bytes, little-endian)
 *   byte  0        1                2   3      4   5   6   7
 *       +--------+--------+--------+-------+-------+---------------+
 *       | opcode | src:4  | dst:4  |  off (s16)    |   imm (s32)   |
 *       +--------+--------+--------+---------------+---------------+
 *                  high     low
 *
 *   ld_imm64 takes two slots:  [0x18 | src,dst | 0 | imm low 32] [0 | 0 | 0 | imm high 32]
 * </pre>
 *
 * <p>{@code src} doubles as a tag where the ISA says so: {@code R1} in an {@code ld_imm64} is
 * {@code BPF_PSEUDO_MAP_FD} (the immediate is a map fd the loader patches in), and {@code R0} in a
 * {@code call} means "kernel helper". The jump offset counts slots from the next instruction. An
 * instruction carries no source position or map name: those live beside it in {@link Program}.
 *
 * @param opcode the opcode byte, 0 to 255; see {@link Opcode}
 * @param dst the destination register, or the base register of a store
 * @param src the source register, the base register of a load, or a tag (see above)
 * @param off the jump offset in slots or the memory offset in bytes
 * @param imm the immediate: a sign-extended s32, or any 64-bit value for {@code ld_imm64}
 */
public record Insn(int opcode, Register dst, Register src, short off, long imm) {

  /** Validates the opcode range and that only {@code ld_imm64} carries a 64-bit immediate. */
  public Insn {
    if (opcode < 0 || opcode > 0xff) {
      throw new IllegalArgumentException("opcode must be one byte, got " + opcode);
    }
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(src, "src");
    if (opcode != Opcode.LD_IMM64 && imm != (int) imm) {
      throw new IllegalArgumentException(
          "immediate " + imm + " does not fit in 32 bits; only ld_imm64 holds 64-bit values");
    }
  }

  /** The number of 8-byte slots the instruction takes: 2 for {@code ld_imm64}, else 1. */
  public int slots() {
    return isLoadImm64() ? 2 : 1;
  }

  /** Whether this is the two-slot {@code ld_imm64}. */
  public boolean isLoadImm64() {
    return opcode == Opcode.LD_IMM64;
  }

  /** Whether this is an {@code ld_imm64} of a map fd ({@code src_reg = BPF_PSEUDO_MAP_FD}). */
  public boolean isMapReference() {
    return isLoadImm64() && src.number() == Opcode.PSEUDO_MAP_FD;
  }

  /** What the instruction does; see {@link InsnKind}. */
  public InsnKind kind() {
    return InsnKind.of(opcode);
  }

  /** The instruction class in the low bits of the opcode. */
  public InsnClass insnClass() {
    return InsnClass.ofOpcode(opcode);
  }

  /** This instruction with another offset; the linker uses it to fill in jump offsets. */
  public Insn withOff(short newOff) {
    return new Insn(opcode, dst, src, newOff, imm);
  }
}
