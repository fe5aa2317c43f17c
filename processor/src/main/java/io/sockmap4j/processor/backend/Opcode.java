package io.sockmap4j.processor.backend;

/**
 * Builds and takes apart the opcode byte of {@code struct bpf_insn}.
 *
 * <p>The byte has two layouts, chosen by the class in the low three bits:
 *
 * <pre>
 *   ALU, ALU64, JMP, JMP32:          LD, LDX, ST, STX:
 *     7  6  5  4   3    2  1  0        7  6  5   4  3   2  1  0
 *   +-----------+-----+--------+     +--------+------+--------+
 *   |    op     | src | class  |     |  mode  | size | class  |
 *   +-----------+-----+--------+     +--------+------+--------+
 *   src: 0 = BPF_K (operand is imm)  mode: 0x00 BPF_IMM, 0x60 BPF_MEM
 *        1 = BPF_X (operand is src_reg)
 * </pre>
 *
 * <p>Examples: {@code 0xb7} = ALU64 | MOV | K ({@code r0 = 0}); {@code 0x18} = LD | IMM | DW
 * ({@code ld_imm64}); {@code 0x95} = JMP | EXIT.
 */
public final class Opcode {
  /** {@code BPF_K}: the second operand is the immediate. */
  public static final int SOURCE_K = 0x00;

  /** {@code BPF_X}: the second operand is {@code src_reg}. */
  public static final int SOURCE_X = 0x08;

  /** {@code BPF_IMM}: load an immediate. */
  public static final int MODE_IMM = 0x00;

  /** {@code BPF_MEM}: plain memory access at register + offset. */
  public static final int MODE_MEM = 0x60;

  /**
   * {@code BPF_ATOMIC} (formerly {@code BPF_XADD}): a read-modify-write of memory; the operation is
   * in the immediate. Only the plain add (immediate {@link #ATOMIC_ADD}) is emitted: it has existed
   * for 32 and 64 bits since the first eBPF kernels and every JIT supports it.
   */
  public static final int MODE_ATOMIC = 0xc0;

  /** The immediate of an atomic add without fetch ({@code BPF_ADD}). */
  public static final int ATOMIC_ADD = 0x00;

  /** {@code BPF_JA}: unconditional jump (JMP class only). */
  public static final int OP_JA = 0x00;

  /** {@code BPF_CALL}: helper call (JMP class only). */
  public static final int OP_CALL = 0x80;

  /** {@code BPF_EXIT}: return r0 (JMP class only). */
  public static final int OP_EXIT = 0x90;

  /** {@code BPF_END}: byte-order conversion; the source bit selects the target order. */
  public static final int OP_END = 0xd0;

  /** {@code BPF_TO_LE}, the source bit of {@code BPF_END}. */
  public static final int END_TO_LE = 0x00;

  /** {@code BPF_TO_BE}, the source bit of {@code BPF_END}. */
  public static final int END_TO_BE = 0x08;

  /**
   * {@code BPF_PSEUDO_MAP_FD}: as the {@code src_reg} of an {@code ld_imm64}, says the immediate is
   * a map fd, which the verifier turns into a map pointer.
   */
  public static final int PSEUDO_MAP_FD = 1;

  /** {@code ld_imm64}: {@code BPF_LD | BPF_IMM | BPF_DW}. */
  public static final int LD_IMM64 = InsnClass.LD.code() | MODE_IMM | Size.DW.code();

  /** {@code ja}: {@code BPF_JMP | BPF_JA}. */
  public static final int JA = InsnClass.JMP.code() | OP_JA;

  /** {@code call}: {@code BPF_JMP | BPF_CALL}. */
  public static final int CALL = InsnClass.JMP.code() | OP_CALL;

  /** {@code exit}: {@code BPF_JMP | BPF_EXIT}. */
  public static final int EXIT = InsnClass.JMP.code() | OP_EXIT;

  private static final int OP_MASK = 0xf0;
  private static final int SOURCE_MASK = 0x08;
  private static final int MODE_MASK = 0xe0;

  private Opcode() {}

  /** An ALU opcode; {@code registerSource} selects {@code BPF_X} over {@code BPF_K}. */
  public static int alu(Width width, AluOp op, boolean registerSource) {
    return width.aluClass().code() | op.code() | source(registerSource);
  }

  /** A 32-bit byte-order conversion ({@code BPF_ALU | BPF_END | BPF_TO_BE/LE}). */
  public static int byteSwap(boolean toBigEndian) {
    return InsnClass.ALU.code() | OP_END | (toBigEndian ? END_TO_BE : END_TO_LE);
  }

  /** A conditional jump opcode; {@code registerSource} selects {@code BPF_X} over {@code BPF_K}. */
  public static int jump(Width width, JumpOp op, boolean registerSource) {
    return width.jumpClass().code() | op.code() | source(registerSource);
  }

  /** {@code dst = *(size *)(src + off)}: {@code BPF_LDX | BPF_MEM | size}. */
  public static int load(Size size) {
    return InsnClass.LDX.code() | MODE_MEM | size.code();
  }

  /** {@code *(size *)(dst + off) = src}: {@code BPF_STX | BPF_MEM | size}. */
  public static int store(Size size) {
    return InsnClass.STX.code() | MODE_MEM | size.code();
  }

  /** {@code lock *(size *)(dst + off) += src}: {@code BPF_STX | BPF_ATOMIC | size}. */
  public static int atomic(Size size) {
    return InsnClass.STX.code() | MODE_ATOMIC | size.code();
  }

  /** {@code *(size *)(dst + off) = imm}: {@code BPF_ST | BPF_MEM | size}. */
  public static int storeImm(Size size) {
    return InsnClass.ST.code() | MODE_MEM | size.code();
  }

  /** The operation field ({@code BPF_OP}) of an ALU or jump opcode. */
  public static int op(int opcode) {
    return opcode & OP_MASK;
  }

  /** Whether the source bit of an ALU or jump opcode says {@code BPF_X}. */
  public static boolean hasRegisterSource(int opcode) {
    return (opcode & SOURCE_MASK) == SOURCE_X;
  }

  /** The mode field ({@code BPF_MODE}) of a load or store opcode. */
  public static int mode(int opcode) {
    return opcode & MODE_MASK;
  }

  private static int source(boolean registerSource) {
    return registerSource ? SOURCE_X : SOURCE_K;
  }
}
