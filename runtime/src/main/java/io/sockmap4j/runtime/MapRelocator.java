package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.ObjectSpec.Relocation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes map fds into a program's {@code ld_imm64} map loads.
 *
 * <p>An {@code ld_imm64} occupies two slots of {@code struct bpf_insn} (host byte order):
 *
 * <pre>
 * byte  0      1            2..3    4..7
 *      +------+------------+-------+-----------------+
 * slot | 0x18 | src=1|dst  |  0    | imm = map fd    |   src_reg 1 = BPF_PSEUDO_MAP_FD
 *      +------+------------+-------+-----------------+
 * +1   | 0x00 |     0      |  0    | imm = 0 (high)  |
 *      +------+------------+-------+-----------------+
 * </pre>
 *
 * On little-endian hosts {@code dst_reg} is the low nibble of byte 1 and {@code src_reg} the high
 * one.
 */
final class MapRelocator {

  private static final int LD_IMM64 = 0x18;
  private static final int PSEUDO_MAP_FD = 1;

  private MapRelocator() {}

  /** A copy of the program's instructions with every relocation patched. */
  static byte[] patch(ProgramSpec program, List<BpfMap> maps) {
    ByteBuffer insns = ByteBuffer.wrap(program.insns()).order(ByteOrder.nativeOrder());
    for (Relocation relocation : program.relocations()) {
      int offset = relocation.slot() * 8;
      int opcode = insns.get(offset) & 0xff;
      int srcReg = (insns.get(offset + 1) >> 4) & 0xf;
      int nextOpcode = insns.get(offset + 8) & 0xff;
      if (opcode != LD_IMM64 || srcReg != PSEUDO_MAP_FD || nextOpcode != 0) {
        throw new IllegalArgumentException(
            String.format(
                "program %s: relocation at slot %d is not a map load (ld_imm64 0x18 with src_reg"
                    + " 1): found opcode 0x%02x, src_reg %d, next opcode 0x%02x. The object is"
                    + " corrupt; rebuild it with the matching processor version",
                program.name(), relocation.slot(), opcode, srcReg, nextOpcode));
      }
      insns.putInt(offset + 4, maps.get(relocation.mapIndex()).fd());
    }
    return insns.array();
  }
}
