package io.sockmap4j.processor.backend;

import java.util.Optional;

/**
 * The condition of a conditional jump: the {@code BPF_OP} field of a {@code BPF_JMP} or {@code
 * BPF_JMP32} opcode. Unprefixed comparisons are unsigned, {@code S} ones signed; {@code JSET} jumps
 * when {@code a & b} is not zero.
 *
 * <p>{@link #negate()} and {@link #swap()} let the frontend turn {@code if (a < b) then else} into
 * "jump to else when not a < b" and put a constant on the right, as the ISA requires.
 */
public enum JumpOp {
  JEQ(0x10, "=="),
  JGT(0x20, ">"),
  JGE(0x30, ">="),
  JSET(0x40, "&"),
  JNE(0x50, "!="),
  JSGT(0x60, "s>"),
  JSGE(0x70, "s>="),
  JLT(0xa0, "<"),
  JLE(0xb0, "<="),
  JSLT(0xc0, "s<"),
  JSLE(0xd0, "s<=");

  private final int code;
  private final String symbol;

  JumpOp(int code, String symbol) {
    this.code = code;
    this.symbol = symbol;
  }

  /** The operation field, already shifted into place: OR it into the opcode. */
  public int code() {
    return code;
  }

  /** The comparison operator in listings, as in {@code if r1 s< r2 goto +3}. */
  public String symbol() {
    return symbol;
  }

  /**
   * The condition that holds exactly when this one does not: {@code !(a OP b) == a negate(OP) b}.
   *
   * @throws UnsupportedOperationException for {@code JSET}: the ISA has no "jump if {@code a & b}
   *     is zero"; jump over a {@code JSET} instead
   */
  public JumpOp negate() {
    return switch (this) {
      case JEQ -> JNE;
      case JNE -> JEQ;
      case JGT -> JLE;
      case JLE -> JGT;
      case JGE -> JLT;
      case JLT -> JGE;
      case JSGT -> JSLE;
      case JSLE -> JSGT;
      case JSGE -> JSLT;
      case JSLT -> JSGE;
      case JSET ->
          throw new UnsupportedOperationException(
              "JSET has no negation in eBPF: jump over a JSET instead");
    };
  }

  /** The condition with the operands exchanged: {@code a OP b == b swap(OP) a}. */
  public JumpOp swap() {
    return switch (this) {
      case JEQ, JNE, JSET -> this;
      case JGT -> JLT;
      case JLT -> JGT;
      case JGE -> JLE;
      case JLE -> JGE;
      case JSGT -> JSLT;
      case JSLT -> JSGT;
      case JSGE -> JSLE;
      case JSLE -> JSGE;
    };
  }

  /** The condition whose code is the given {@code BPF_OP} field, if any. */
  public static Optional<JumpOp> ofCode(int code) {
    for (JumpOp op : values()) {
      if (op.code == code) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
