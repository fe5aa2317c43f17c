package io.sockmap4j.processor.objfile;

import io.sockmap4j.processor.backend.LineEntry;
import io.sockmap4j.processor.backend.Program;
import io.sockmap4j.processor.backend.Relocation;
import io.sockmap4j.processor.frontend.CompiledProgram;
import io.sockmap4j.processor.model.ClassModel;
import io.sockmap4j.processor.model.MapDecl;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the sockmap4j object: the maps and programs of one class, read back at run time by {@code
 * io.sockmap4j.runtime.ObjectSpec} (whose Javadoc documents the format; both sides must change
 * together, and the version guards against mixing them).
 *
 * <pre>
 *   u32 magic "SM4J"  u16 version  UTF license
 *   u16 maps     { UTF name  u32 type  u32 key_size  u32 value_size  u32 max_entries  u32 flags }
 *   u16 programs { UTF name  u32 prog_type  u32 expected_attach_type  u32 attach_type
 *                  u16 attach_map  UTF source_file
 *                  u32 slots  u8[8 * slots] struct bpf_insn (little-endian)
 *                  u16 relocations { u32 slot  u16 map }
 *                  u32 texts { UTF source_text }
 *                  u32 lines { u32 slot  u32 line  u32 column  u32 text_index } }
 * </pre>
 *
 * <p>Version 2 added the source texts: each line entry names the trimmed Java source of its line,
 * stored once per program in the text table, so the runtime can pass it to the kernel as BTF line
 * info without the source file.
 */
public final class ObjectWriter {
  public static final int MAGIC = 0x534D344A;
  public static final int VERSION = 2;

  /** The attach map of a program attached to no map (a sock_ops program goes on a cgroup). */
  public static final int NOT_ATTACHED = 0xFFFF;

  /** Longer source lines are cut, so that each fits a {@code writeUTF} string. */
  static final int MAX_TEXT = 1000;

  /**
   * The license the programs declare to the kernel. "Dual MIT/GPL" is GPL-compatible for the kernel
   * (so every helper is usable) while leaving the user's code under a permissive license.
   */
  public static final String LICENSE = "Dual MIT/GPL";

  private ObjectWriter() {}

  public static byte[] write(ClassModel model, List<CompiledProgram> programs) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeShort(VERSION);
      out.writeUTF(LICENSE);
      out.writeShort(model.maps().size());
      for (MapDecl map : model.maps()) {
        out.writeUTF(map.name());
        out.writeInt(map.kind().kernelType());
        out.writeInt(map.key().size());
        out.writeInt(map.valueSize());
        out.writeInt(map.maxEntries());
        out.writeInt(0);
      }
      out.writeShort(programs.size());
      for (CompiledProgram compiled : programs) {
        Program program = compiled.program();
        out.writeUTF(compiled.decl().name());
        out.writeInt(compiled.decl().kind().progType());
        out.writeInt(0);
        out.writeInt(compiled.decl().kind().attachType());
        out.writeShort(
            compiled.decl().map() == null
                ? NOT_ATTACHED
                : model.mapIndex(compiled.decl().map().name()));
        out.writeUTF(compiled.sourceFile());
        out.writeInt(program.slotCount());
        out.write(program.encode());
        out.writeShort(program.relocations().size());
        for (Relocation r : program.relocations()) {
          out.writeInt(r.slot());
          out.writeShort(model.mapIndex(r.mapName()));
        }
        writeLines(out, compiled);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeLines(DataOutputStream out, CompiledProgram compiled)
      throws IOException {
    List<LineEntry> lines = compiled.program().lines();
    Map<String, Integer> textIndex = new LinkedHashMap<>();
    for (LineEntry line : lines) {
      textIndex.putIfAbsent(text(compiled, line), textIndex.size());
    }
    out.writeInt(textIndex.size());
    for (String text : textIndex.keySet()) {
      out.writeUTF(text);
    }
    out.writeInt(lines.size());
    for (LineEntry line : lines) {
      out.writeInt(line.slot());
      out.writeInt(line.pos().line());
      out.writeInt(line.pos().column());
      out.writeInt(textIndex.get(text(compiled, line)));
    }
  }

  private static String text(CompiledProgram compiled, LineEntry line) {
    String text = compiled.sourceText(line.pos().line());
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
  }
}
