package io.sockmap4j.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The maps and programs of one compiled sockmap4j object, as the annotation processor writes them
 * into a resource.
 *
 * <p>The resource format, version 2, uses {@link java.io.DataOutputStream} conventions: integers
 * are big-endian, strings are {@code writeUTF} (u16 length + modified UTF-8). {@code u16} values
 * are unsigned.
 *
 * <pre>
 * +--------------------------------------------------------------------------------+
 * | u32 magic 0x534D344A ("SM4J") | u16 version = 2 | UTF license                    |
 * +--------------------------------------------------------------------------------+
 * | u16 mapCount                                                                   |
 * |   per map:  UTF name | u32 type | u32 keySize | u32 valueSize | u32 maxEntries   |
 * |             | u32 flags                                                        |
 * +--------------------------------------------------------------------------------+
 * | u16 programCount                                                               |
 * |   per program:                                                                 |
 * |     UTF name | u32 progType | u32 expectedAttachType | u32 attachType           |
 * |     | u16 attachMapIndex (0xFFFF = not attached) | UTF sourceFile               |
 * |     u32 slotCount | slotCount * 8 bytes: struct bpf_insn[], host byte order     |
 * |     u16 relocationCount | per relocation: u32 slot | u16 mapIndex               |
 * |     u32 textCount       | per text: UTF sourceText                  (v2 only)    |
 * |     u32 lineCount       | per line: u32 slot | u32 line | u32 column            |
 * |                         |           | u32 textIndex                 (v2 only)    |
 * +--------------------------------------------------------------------------------+
 * </pre>
 *
 * <p>A relocation names the first slot of an {@code ld_imm64} whose {@code src_reg} is {@code
 * BPF_PSEUDO_MAP_FD} (1); the loader writes the fd of map {@code mapIndex} into its {@code imm}.
 * Line entries map instruction slots to source positions; an entry applies to its slot and the
 * following slots up to the next entry. Version 2 adds the Java source text of each entry's line
 * (trimmed, one line), stored once per distinct text in the program's text table and referenced by
 * index; the runtime hands it to the kernel as BTF line info, so the verifier log and {@code
 * bpftool prog dump xlated linum} show it. Version 1 objects are still read; their entries have an
 * empty source text.
 *
 * <p>Instances are immutable and validated: indexes are in range and map names are unique.
 */
public final class ObjectSpec {

  /** {@code "SM4J"}. */
  public static final int MAGIC = 0x534D344A;

  /** The format version this class writes (it also reads {@link #OLDEST_VERSION} onwards). */
  public static final int VERSION = 2;

  /** The oldest format version this class reads: version 1 has no source text. */
  public static final int OLDEST_VERSION = 1;

  private static final int U16_MAX = 0xFFFF;

  private final String license;
  private final List<MapSpec> maps;
  private final List<ProgramSpec> programs;

  /**
   * Creates a validated spec.
   *
   * @throws IllegalArgumentException if an index is out of range or two maps share a name
   */
  public ObjectSpec(String license, List<MapSpec> maps, List<ProgramSpec> programs) {
    this.license = Objects.requireNonNull(license, "license");
    this.maps = List.copyOf(maps);
    this.programs = List.copyOf(programs);
    validate();
  }

  /** The license string passed to the kernel (GPL-only helpers need a GPL-compatible one). */
  public String license() {
    return license;
  }

  /** The maps, in the order the loader creates them; relocations index into this list. */
  public List<MapSpec> maps() {
    return maps;
  }

  /** The programs, in the order the loader loads and attaches them. */
  public List<ProgramSpec> programs() {
    return programs;
  }

  /**
   * Reads a spec in the format described above.
   *
   * @throws IOException if the stream is not a version 1 or 2 sockmap4j object, is truncated, or is
   *     inconsistent
   */
  public static ObjectSpec read(InputStream in) throws IOException {
    return ObjectSpecFormat.read(in);
  }

  /** Writes this spec in the format described above; the stream is flushed, not closed. */
  public void write(OutputStream out) throws IOException {
    ObjectSpecFormat.write(this, out);
  }

  private void validate() {
    checkU16(maps.size(), "map count");
    checkU16(programs.size(), "program count");
    Set<String> names = new HashSet<>();
    for (MapSpec map : maps) {
      if (!names.add(map.name())) {
        throw new IllegalArgumentException("two maps are named " + map.name());
      }
    }
    for (ProgramSpec program : programs) {
      int attach = program.attachMapIndex();
      if (attach != ProgramSpec.NOT_ATTACHED && attach >= maps.size()) {
        throw new IllegalArgumentException(
            "program " + program.name() + " attaches to map #" + attach + " of " + maps.size());
      }
      checkU16(program.relocations().size(), "relocation count of " + program.name());
      for (Relocation relocation : program.relocations()) {
        if (relocation.mapIndex() >= maps.size()) {
          throw new IllegalArgumentException(
              "program "
                  + program.name()
                  + " refers to map #"
                  + relocation.mapIndex()
                  + " of "
                  + maps.size());
        }
        if (relocation.slot() + 1 >= program.slotCount()) {
          throw new IllegalArgumentException(
              "program "
                  + program.name()
                  + " has a relocation at slot "
                  + relocation.slot()
                  + " of "
                  + program.slotCount()
                  + " (an ld_imm64 takes two slots)");
        }
      }
    }
  }

  private static void checkU16(int value, String what) {
    if (value > U16_MAX) {
      throw new IllegalArgumentException(what + " " + value + " exceeds " + U16_MAX);
    }
  }

  /**
   * A map to create: the {@code BPF_MAP_CREATE} attributes.
   *
   * @param name the map's name in Java; the kernel sees it truncated to 15 characters of {@code
   *     [A-Za-z0-9_.]}
   * @param type the kernel map type (SOCKMAP 15, SOCKHASH 18, ...)
   */
  public record MapSpec(
      String name, int type, int keySize, int valueSize, int maxEntries, int flags) {

    /** Checks the name and that the sizes are not negative. */
    public MapSpec {
      Objects.requireNonNull(name, "name");
      if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
        throw new IllegalArgumentException("map " + name + " has a negative size");
      }
    }
  }

  /**
   * A program to load and, usually, attach to a map.
   *
   * @param name the program's name in Java (the kernel sees it sanitized like map names)
   * @param progType the kernel program type (SK_SKB 14, SK_MSG 16, ...)
   * @param expectedAttachType {@code expected_attach_type} for {@code BPF_PROG_LOAD}
   * @param attachType the {@code BPF_PROG_ATTACH} attach type (STREAM_PARSER 4, STREAM_VERDICT 5,
   *     SK_MSG_VERDICT 7, SK_SKB_VERDICT 38)
   * @param attachMapIndex the map to attach to, or {@link #NOT_ATTACHED}
   * @param sourceFile the Java source file name, for error messages
   * @param insns {@code struct bpf_insn[]} in host byte order, 8 bytes per slot
   * @param relocations map fd patches
   * @param lines source positions of instruction slots, sorted by slot
   */
  public record ProgramSpec(
      String name,
      int progType,
      int expectedAttachType,
      int attachType,
      int attachMapIndex,
      String sourceFile,
      byte[] insns,
      List<Relocation> relocations,
      List<LineEntry> lines) {

    /** The {@code attachMapIndex} of a program that is loaded but not attached. */
    public static final int NOT_ATTACHED = 0xFFFF;

    /** Copies the mutable parts and checks the instruction array's shape. */
    public ProgramSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sourceFile, "sourceFile");
      if (insns.length == 0 || insns.length % 8 != 0) {
        throw new IllegalArgumentException(
            "program " + name + " has " + insns.length + " instruction bytes, not a multiple of 8");
      }
      if (attachMapIndex < 0 || attachMapIndex > NOT_ATTACHED) {
        throw new IllegalArgumentException(
            "program " + name + " has attach map index " + attachMapIndex);
      }
      insns = insns.clone();
      relocations = List.copyOf(relocations);
      lines = List.copyOf(lines);
    }

    /** A copy of the instructions. */
    @Override
    public byte[] insns() {
      return insns.clone();
    }

    /** The number of 8-byte instruction slots. */
    public int slotCount() {
      return insns.length / 8;
    }

    /** Whether the loader attaches this program to a map. */
    public boolean isAttached() {
      return attachMapIndex != NOT_ATTACHED;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ProgramSpec p
          && name.equals(p.name)
          && progType == p.progType
          && expectedAttachType == p.expectedAttachType
          && attachType == p.attachType
          && attachMapIndex == p.attachMapIndex
          && sourceFile.equals(p.sourceFile)
          && Arrays.equals(insns, p.insns)
          && relocations.equals(p.relocations)
          && lines.equals(p.lines);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, progType, attachType, attachMapIndex, Arrays.hashCode(insns));
    }

    @Override
    public String toString() {
      return "ProgramSpec[name="
          + name
          + ", progType="
          + progType
          + ", attachType="
          + attachType
          + ", attachMapIndex="
          + attachMapIndex
          + ", sourceFile="
          + sourceFile
          + ", slots="
          + slotCount()
          + ", relocations="
          + relocations
          + ", lines="
          + lines.size()
          + "]";
    }
  }

  /**
   * A map reference to patch: the {@code ld_imm64} starting at {@code slot} gets the fd of map
   * {@code mapIndex} as its immediate.
   */
  public record Relocation(int slot, int mapIndex) {

    /** Checks that the indexes are not negative. */
    public Relocation {
      if (slot < 0 || mapIndex < 0) {
        throw new IllegalArgumentException("relocation " + slot + " -> map #" + mapIndex);
      }
    }
  }

  /**
   * The source position of the instruction at {@code slot} and of those after it up to the next
   * entry.
   *
   * @param line the 1-based line
   * @param column the 1-based column, or 0 when unknown
   * @param source the Java source text of that line, trimmed, or {@code ""} when unknown
   */
  public record LineEntry(int slot, int line, int column, String source) {

    /** Checks the text: one line, never null. */
    public LineEntry {
      Objects.requireNonNull(source, "source");
      if (source.indexOf('\n') >= 0 || source.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("line " + line + " source text spans lines: " + source);
      }
    }

    /** An entry without source text, as version 1 objects carry. */
    public LineEntry(int slot, int line, int column) {
      this(slot, line, column, "");
    }
  }
}
