package io.sockmap4j.processor.backend;

import java.util.Optional;

/**
 * An ALU operation: the {@code BPF_OP} field, the upper four bits of an ALU opcode.
 *
 * <p>Signed division and modulo, sign-extending moves and byte swaps of ALU64 are cpu v4 extensions
 * (kernel 6.6) encoded in the {@code off} field; this backend emits the classic forms only, which
 * load on 5.10 and later. {@code NEG} has no source operand, and byte-order conversion ({@code
 * BPF_END}, 0xd0) is not listed because it takes a bit count, not an operand: see {@link
 * Assembler#toBigEndian}.
 */
public enum AluOp {
  ADD(0x00, "+="),
  SUB(0x10, "-="),
  MUL(0x20, "*="),
  DIV(0x30, "/="),
  OR(0x40, "|="),
  AND(0x50, "&="),
  LSH(0x60, "<<="),
  RSH(0x70, ">>="),
  NEG(0x80, "= -"),
  MOD(0x90, "%="),
  XOR(0xa0, "^="),
  MOV(0xb0, "="),
  ARSH(0xc0, "s>>=");

  private final int code;
  private final String symbol;

  AluOp(int code, String symbol) {
    this.code = code;
    this.symbol = symbol;
  }

  /** The operation field, already shifted into place: OR it into the opcode. */
  public int code() {
    return code;
  }

  /** The assignment operator in listings, as in {@code r1 += r2}. */
  public String symbol() {
    return symbol;
  }

  /** Whether the operation is a shift, whose immediate amount must be less than the width. */
  public boolean isShift() {
    return this == LSH || this == RSH || this == ARSH;
  }

  /** The operation whose code is the given {@code BPF_OP} field, if any. */
  public static Optional<AluOp> ofCode(int code) {
    for (AluOp op : values()) {
      if (op.code == code) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
