package io.sockmap4j.processor.backend;

/**
 * An eBPF register.
 *
 * <p>r0 holds return values, r1 to r5 carry helper arguments (and are clobbered by every call), r6
 * to r9 survive calls, and r10 is the read-only frame pointer. At program entry r1 holds the
 * context pointer. The number is what goes into the 4-bit {@code dst_reg} / {@code src_reg} fields
 * of {@code struct bpf_insn}.
 */
public enum Register {
  R0,
  R1,
  R2,
  R3,
  R4,
  R5,
  R6,
  R7,
  R8,
  R9,
  /** The frame pointer: read-only, points just past the 512-byte stack. */
  R10;

  private static final Register[] BY_NUMBER = values();

  /** The register number, 0 to 10, as encoded in a register nibble. */
  public int number() {
    return ordinal();
  }

  /**
   * The register with the given number.
   *
   * @throws IllegalArgumentException if {@code number} is not 0 to 10
   */
  public static Register of(int number) {
    if (number < 0 || number >= BY_NUMBER.length) {
      throw new IllegalArgumentException("no eBPF register r" + number + " (r0 to r10 exist)");
    }
    return BY_NUMBER[number];
  }
}
