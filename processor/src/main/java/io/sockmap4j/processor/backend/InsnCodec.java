package io.sockmap4j.processor.backend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between logical {@link Insn}s and the {@code struct bpf_insn} array the kernel takes.
 *
 * <p>The kernel reads the array in host byte order, and every platform sockmap4j targets (x86-64,
 * arm64) is little-endian, so the encoding is fixed little-endian with the destination register in
 * the LOW nibble of byte 1. See {@link Insn} for the layout.
 */
final class InsnCodec {
  /** The size of {@code struct bpf_insn}. */
  static final int SLOT_BYTES = 8;

  private InsnCodec() {}

  /**
   * One undecoded slot, with the register nibbles kept as numbers so that out-of-range registers
   * can be reported instead of failing to decode.
   */
  record RawSlot(int opcode, int dst, int src, short off, int imm) {}

  static byte[] encode(List<Insn> instructions, int slotCount) {
    ByteBuffer out = ByteBuffer.allocate(slotCount * SLOT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (Insn insn : instructions) {
      out.put((byte) insn.opcode());
      out.put((byte) (insn.src().number() << 4 | insn.dst().number()));
      out.putShort(insn.off());
      out.putInt((int) insn.imm());
      if (insn.isLoadImm64()) {
        out.putInt(0);
        out.putInt((int) (insn.imm() >>> 32));
      }
    }
    return out.array();
  }

  /**
   * Reads the slots of an encoded program.
   *
   * @throws IllegalArgumentException if the length is not a multiple of 8
   */
  static List<RawSlot> slots(byte[] bytes) {
    if (bytes.length % SLOT_BYTES != 0) {
      throw new IllegalArgumentException(
          "an eBPF program is a multiple of 8 bytes long, got " + bytes.length);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<RawSlot> slots = new ArrayList<>(bytes.length / SLOT_BYTES);
    while (in.hasRemaining()) {
      int opcode = in.get() & 0xff;
      int registers = in.get() & 0xff;
      short off = in.getShort();
      int imm = in.getInt();
      slots.add(new RawSlot(opcode, registers & 0x0f, registers >>> 4, off, imm));
    }
    return slots;
  }

  /**
   * Decodes an encoded program into logical instructions, joining each {@code ld_imm64} pair.
   *
   * @throws IllegalArgumentException naming the slot, if a register is above r10 or the program
   *     ends inside an {@code ld_imm64}; the second half of an {@code ld_imm64} is not checked here
   *     (see {@link Checker#checkEncoded})
   */
  static List<Insn> decode(byte[] bytes) {
    List<RawSlot> slots = slots(bytes);
    List<Insn> instructions = new ArrayList<>();
    for (int slot = 0; slot < slots.size(); slot++) {
      int first = slot;
      RawSlot raw = slots.get(slot);
      long imm = raw.imm();
      if (raw.opcode() == Opcode.LD_IMM64) {
        if (slot + 1 == slots.size()) {
          throw new IllegalArgumentException("slot " + slot + ": ld_imm64 lacks its second slot");
        }
        slot++;
        imm = (imm & 0xffff_ffffL) | (long) slots.get(slot).imm() << 32;
      }
      Register dst = register(raw.dst(), first);
      Register src = register(raw.src(), first);
      instructions.add(new Insn(raw.opcode(), dst, src, raw.off(), imm));
    }
    return instructions;
  }

  private static Register register(int number, int slot) {
    if (number > Register.R10.number()) {
      throw new IllegalArgumentException("slot " + slot + ": no register r" + number);
    }
    return Register.of(number);
  }
}
