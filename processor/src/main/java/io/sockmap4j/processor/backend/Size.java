package io.sockmap4j.processor.backend;

/**
 * The access size of a load or store: the {@code BPF_SIZE} field, bits 3 and 4 of the opcode.
 *
 * <pre>
 *   size  code  bytes
 *   B     0x10  1      BPF_B
 *   H     0x08  2      BPF_H
 *   W     0x00  4      BPF_W
 *   DW    0x18  8      BPF_DW
 * </pre>
 */
public enum Size {
  B(0x10, 1),
  H(0x08, 2),
  W(0x00, 4),
  DW(0x18, 8);

  /** The mask of the size field inside an opcode. */
  static final int MASK = 0x18;

  private final int code;
  private final int bytes;

  Size(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  /** The size field, already shifted into place: OR it into the opcode. */
  public int code() {
    return code;
  }

  /** The number of bytes accessed. */
  public int bytes() {
    return bytes;
  }

  /** The C type in listings: {@code u8}, {@code u16}, {@code u32} or {@code u64}. */
  public String cType() {
    return "u" + bytes * 8;
  }

  /** The size encoded in an opcode's size field; every value of the field is a size. */
  public static Size ofOpcode(int opcode) {
    int field = opcode & MASK;
    for (Size size : values()) {
      if (size.code == field) {
        return size;
      }
    }
    throw new AssertionError("two bits have four values");
  }
}
