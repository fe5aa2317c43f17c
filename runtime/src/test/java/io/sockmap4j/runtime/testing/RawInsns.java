package io.sockmap4j.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Hand-assembles eBPF instructions into the kernel's {@code struct bpf_insn} bytes, for tests that
 * need a program without the processor.
 *
 * <pre>
 * byte 0       1                    2..3        4..7
 *     +-------+--------------------+-----------+-----------+
 *     | code  | src (hi) | dst (lo)| s16 off   | s32 imm   |   host byte order
 *     +-------+--------------------+-----------+-----------+
 * </pre>
 */
public final class RawInsns {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Appends one raw slot. */
  public RawInsns insn(int code, int dst, int src, int off, int imm) {
    ByteBuffer slot = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
    slot.put((byte) code);
    slot.put((byte) ((src << 4) | (dst & 0xf)));
    slot.putShort((short) off);
    slot.putInt(imm);
    out.writeBytes(slot.array());
    return this;
  }

  /** {@code dst = imm} (64-bit mov, BPF_ALU64 | BPF_MOV | BPF_K = 0xb7). */
  public RawInsns movImm(int dst, int imm) {
    return insn(0xb7, dst, 0, 0, imm);
  }

  /** {@code dst = src} (64-bit mov, 0xbf). */
  public RawInsns movReg(int dst, int src) {
    return insn(0xbf, dst, src, 0, 0);
  }

  /** {@code dst = *(u32 *)(src + off)} (BPF_LDX | BPF_MEM | BPF_W = 0x61). */
  public RawInsns loadWord(int dst, int src, int off) {
    return insn(0x61, dst, src, off, 0);
  }

  /**
   * {@code dst = map ll}: an ld_imm64 (0x18, two slots) with src_reg BPF_PSEUDO_MAP_FD, whose
   * immediate the loader patches. Its first slot is {@link #slots()} before the call.
   */
  public RawInsns loadMap(int dst) {
    insn(0x18, dst, 1, 0, 0);
    return insn(0, 0, 0, 0, 0);
  }

  /** {@code call helper} (0x85). */
  public RawInsns call(int helper) {
    return insn(0x85, 0, 0, 0, helper);
  }

  /** {@code exit} (0x95). */
  public RawInsns exit() {
    return insn(0x95, 0, 0, 0, 0);
  }

  /** The number of slots so far. */
  public int slots() {
    return out.size() / 8;
  }

  /** The instructions. */
  public byte[] bytes() {
    return out.toByteArray();
  }
}
