package io.sockmap4j.processor.frontend;

/**
 * A compile-time constant: its type and its Java value ({@code int}-like values sign-extended as
 * Java holds them, booleans 0/1, enums their ordinal).
 */
record Constant(JType type, long value) {

  /** The 64-bit register image under {@link JType}'s representation rules. */
  long registerValue() {
    return type.isLong() ? value : value & 0xFFFF_FFFFL;
  }

  /** Whether the value can be an ALU/JMP immediate for an operation of this type's width. */
  boolean fitsImmediate() {
    return type.isLong() ? value == (int) value : true;
  }

  int immediate() {
    return (int) value;
  }
}
