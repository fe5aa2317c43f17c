package io.sockmap4j.runtime.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The debug information of one program for {@code BPF_PROG_LOAD}: a BTF blob, its {@code func_info}
 * records and its {@code line_info} records. With it, the verifier log prints {@code ; <source> @
 * File.java:N} before the instructions of each line, and {@code bpftool prog dump xlated linum}
 * shows the Java file, line and text.
 *
 * <p>The blob holds {@code int}, an empty {@code struct __sk_buff} (or whichever context struct), a
 * pointer to it, one {@code FUNC_PROTO int (struct __sk_buff *ctx)} and one global {@code FUNC} per
 * function, plus the strings the records name; {@code bpftool} prints the function as {@code int
 * verdict(struct __sk_buff * ctx)}.
 *
 * <p>Kernel 6.18 accepts a main program's FUNC with any prototype (none, {@code void *}, even a
 * context struct of another program type), but logs {@code arg#0 reference type('FWD __sk_buff')
 * size cannot be determined} for a forward declaration; a STRUCT of the kernel's context name keeps
 * the log clean. A bpf-to-bpf subprogram would be one more {@link Function} (global subprograms are
 * verified against their prototype, so they would need real argument types). Records, in the host's
 * byte order:
 *
 * <pre>
 * func_info (8 bytes):  u32 insn_off | u32 type_id (a FUNC)
 * line_info (16 bytes): u32 insn_off | u32 file_name_off | u32 line_off | u32 line &lt;&lt; 10 | col
 * </pre>
 *
 * <p>The kernel's rules, which {@link #of} enforces on the entries it is given: records are sorted
 * by strictly increasing {@code insn_off}, within the program; the first {@code func_info} and
 * {@code line_info} record are at instruction 0 (a function start needs a line record); no record
 * points at the second slot of an {@code ld_imm64}; the column fits 10 bits and the line 22.
 *
 * @param btf the BTF blob for {@code BPF_BTF_LOAD}
 * @param funcInfo {@code func_info} records, {@link #FUNC_INFO_SIZE} bytes each
 * @param lineInfo {@code line_info} records, {@link #LINE_INFO_SIZE} bytes each
 */
public record ProgramBtf(byte[] btf, byte[] funcInfo, byte[] lineInfo) {

  /** {@code sizeof(struct bpf_func_info)}. */
  public static final int FUNC_INFO_SIZE = 8;

  /** {@code sizeof(struct bpf_line_info)}. */
  public static final int LINE_INFO_SIZE = 16;

  static final int MAX_COLUMN = (1 << 10) - 1;
  static final int MAX_LINE = (1 << 22) - 1;

  private static final int LD_IMM64 = 0x18;

  /** A function of the program: its name and the slot it starts at. */
  public record Function(String name, int slot) {}

  /** A source position from {@code slot} on, with the text of its line (may be empty). */
  public record Line(int slot, int line, int column, String text) {}

  /**
   * Builds the debug information.
   *
   * @param contextStruct the name of the context struct, such as {@code __sk_buff}, or {@code null}
   *     for {@code void *}
   * @param sourceFile the Java file name the lines belong to
   * @param insns the program, 8 bytes per slot, to find the second slots of {@code ld_imm64}s
   * @param functions the functions, sorted by slot; the first starts at slot 0
   * @param lines the source positions, sorted by slot; entries the kernel would refuse (out of
   *     range, inside an {@code ld_imm64}, a repeated slot) are dropped, and one at slot 0 is added
   *     if missing. Without any, there is no {@code line_info} at all.
   */
  public static ProgramBtf of(
      String contextStruct,
      String sourceFile,
      byte[] insns,
      List<Function> functions,
      List<Line> lines) {
    if (functions.isEmpty() || functions.get(0).slot() != 0) {
      throw new IllegalArgumentException("the first function must start at slot 0: " + functions);
    }
    Btf btf = new Btf();
    int intType = btf.addInt("int", 4, true);
    int context = btf.addPointer(contextStruct == null ? 0 : btf.addEmptyStruct(contextStruct));
    int proto = btf.addFuncProto(intType, List.of(new Btf.Param("ctx", context)));
    ByteBuffer funcInfo = records(functions.size() * FUNC_INFO_SIZE);
    for (Function function : functions) {
      funcInfo.putInt(function.slot());
      funcInfo.putInt(btf.addFunc(Btf.identifier(function.name()), proto, Btf.Linkage.GLOBAL));
    }
    int file = btf.string(sourceFile);
    List<Line> valid = validLines(insns, lines);
    ByteBuffer lineInfo = records(valid.size() * LINE_INFO_SIZE);
    for (Line line : valid) {
      lineInfo.putInt(line.slot());
      lineInfo.putInt(file);
      lineInfo.putInt(btf.string(line.text()));
      lineInfo.putInt(
          Math.min(Math.max(line.line(), 0), MAX_LINE) << 10
              | Math.min(Math.max(line.column(), 0), MAX_COLUMN));
    }
    return new ProgramBtf(btf.toBytes(), funcInfo.array(), lineInfo.array());
  }

  /**
   * The name of the context struct of {@code progType}, or {@code null} when unknown: SK_SKB,
   * SCHED_CLS and SOCKET_FILTER run on {@code __sk_buff}, SK_MSG on {@code sk_msg_md}, SOCK_OPS on
   * {@code bpf_sock_ops}.
   */
  public static String contextStruct(int progType) {
    return switch (progType) {
      case 1, 3, 14 -> "__sk_buff";
      case 13 -> "bpf_sock_ops";
      case 16 -> "sk_msg_md";
      default -> null;
    };
  }

  /** The number of {@code func_info} records. */
  public int funcInfoCount() {
    return funcInfo.length / FUNC_INFO_SIZE;
  }

  /** The number of {@code line_info} records. */
  public int lineInfoCount() {
    return lineInfo.length / LINE_INFO_SIZE;
  }

  private static List<Line> validLines(byte[] insns, List<Line> lines) {
    int slots = insns.length / 8;
    boolean[] secondHalf = new boolean[slots];
    for (int slot = 0; slot + 1 < slots; slot++) {
      if ((insns[slot * 8] & 0xff) == LD_IMM64) {
        secondHalf[++slot] = true;
      }
    }
    List<Line> valid = new ArrayList<>();
    for (Line line : lines) {
      int slot = line.slot();
      if (slot < 0 || slot >= slots || secondHalf[slot]) {
        continue;
      }
      if (!valid.isEmpty() && valid.get(valid.size() - 1).slot() >= slot) {
        if (valid.get(valid.size() - 1).slot() > slot) {
          continue;
        }
        valid.remove(valid.size() - 1); // the same slot: the later position wins, as in a listing
      }
      valid.add(line);
    }
    if (!valid.isEmpty() && valid.get(0).slot() != 0) {
      Line first = valid.get(0);
      valid.add(0, new Line(0, first.line(), first.column(), first.text()));
    }
    return valid;
  }

  private static ByteBuffer records(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
  }
}
