package io.sockmap4j.processor.backend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A linked eBPF program: logical instructions with resolved jump offsets, plus the metadata kept
 * outside the encoded bits (map relocations and source lines), all addressed by slot.
 *
 * <p>A slot is one 8-byte {@code struct bpf_insn}; the kernel, jump offsets, relocations and BTF
 * line info all count slots, while {@link #instructions()} counts logical instructions. They differ
 * after every {@code ld_imm64}:
 *
 * <pre>
 *   index  slot  instruction
 *   0      0     r1 = 0x1234 ll      (slots 0 and 1)
 *   1      2     r0 = 0
 *   2      3     exit
 * </pre>
 *
 * <p>Instances are immutable.
 */
public final class Program {
  private final List<Insn> instructions;
  private final int[] slotOfIndex;
  private final List<Relocation> relocations;
  private final List<LineEntry> lines;
  private final Map<Integer, String> mapNameBySlot = new HashMap<>();

  private Program(List<Insn> instructions, List<Relocation> relocations, List<LineEntry> lines) {
    this.instructions = List.copyOf(instructions);
    this.relocations = List.copyOf(relocations);
    this.lines = List.copyOf(lines);
    this.slotOfIndex = new int[this.instructions.size() + 1];
    for (int i = 0; i < this.instructions.size(); i++) {
      slotOfIndex[i + 1] = slotOfIndex[i] + this.instructions.get(i).slots();
    }
    for (Relocation relocation : this.relocations) {
      int index = indexAtSlot(relocation.slot());
      if (index < 0 || !this.instructions.get(index).isMapReference()) {
        throw new IllegalArgumentException(
            "relocation for map "
                + relocation.mapName()
                + " at slot "
                + relocation.slot()
                + " does not point at an ld_imm64 of a map fd");
      }
      mapNameBySlot.put(relocation.slot(), relocation.mapName());
    }
    int previous = -1;
    for (LineEntry line : this.lines) {
      if (line.slot() <= previous || indexAtSlot(line.slot()) < 0) {
        throw new IllegalArgumentException(
            "line entries must be in increasing slot order at instruction starts: " + line);
      }
      previous = line.slot();
    }
  }

  /**
   * A program from instructions whose offsets are already final, with its metadata. The {@link
   * Assembler} is the usual way to get a program; this one exists for decoded and hand-built code.
   *
   * @throws IllegalArgumentException if a relocation does not point at an {@code ld_imm64}, or line
   *     entries are out of order or not at instruction starts
   */
  public static Program of(
      List<Insn> instructions, List<Relocation> relocations, List<LineEntry> lines) {
    return new Program(instructions, relocations, lines);
  }

  /**
   * Decodes a {@code struct bpf_insn} array, as produced by {@link #encode()}, without metadata.
   *
   * @throws IllegalArgumentException if the bytes are no whole number of slots, name a register
   *     above r10, or end inside an {@code ld_imm64}
   */
  public static Program decode(byte[] bytes) {
    return new Program(InsnCodec.decode(bytes), List.of(), List.of());
  }

  /** The logical instructions, with resolved jump offsets. */
  public List<Insn> instructions() {
    return instructions;
  }

  /** The number of 8-byte slots, the {@code insn_cnt} of {@code BPF_PROG_LOAD}. */
  public int slotCount() {
    return slotOfIndex[instructions.size()];
  }

  /**
   * The slot of the logical instruction at {@code index}; {@code slotOf(size)} is {@link
   * #slotCount()}.
   */
  public int slotOf(int index) {
    return slotOfIndex[index];
  }

  /** The map references the loader must patch, in slot order. */
  public List<Relocation> relocations() {
    return relocations;
  }

  /** The source positions, one entry wherever the position changes, in slot order. */
  public List<LineEntry> lines() {
    return lines;
  }

  /** The program as the kernel takes it: {@code slotCount() * 8} bytes, little-endian. */
  public byte[] encode() {
    return InsnCodec.encode(instructions, slotCount());
  }

  /**
   * The logical index of the instruction starting at {@code slot}, or -1 if no instruction starts
   * there (outside the program, or the second slot of an {@code ld_imm64}).
   */
  int indexAtSlot(int slot) {
    int index = Arrays.binarySearch(slotOfIndex, 0, instructions.size(), slot);
    return index >= 0 ? index : -1;
  }

  /** The name of the map the {@code ld_imm64} at {@code slot} refers to, if it is relocated. */
  Optional<String> mapNameAt(int slot) {
    return Optional.ofNullable(mapNameBySlot.get(slot));
  }

  /** The slot a jump at logical {@code index} lands on: the next slot plus the offset. */
  int jumpTargetSlot(int index) {
    return slotOfIndex[index] + 1 + instructions.get(index).off();
  }

  /** A listing without source lines; see {@link Printer}. */
  @Override
  public String toString() {
    return Printer.print(this, line -> null);
  }
}
