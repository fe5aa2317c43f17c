package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.ObjectSpec.Relocation;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes the resource format documented on {@link ObjectSpec}. */
final class ObjectSpecFormat {

  /** The kernel's limit on instructions in one program (BPF_COMPLEXITY_LIMIT_INSNS). */
  private static final int MAX_SLOTS = 1_000_000;

  private ObjectSpecFormat() {}

  static ObjectSpec read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int magic = data.readInt();
    if (magic != ObjectSpec.MAGIC) {
      throw new IOException(
          String.format(
              "not a sockmap4j object: magic is 0x%08X, expected 0x%08X (\"SM4J\");"
                  + " rebuild with the matching processor version",
              magic, ObjectSpec.MAGIC));
    }
    int version = data.readUnsignedShort();
    if (version < ObjectSpec.OLDEST_VERSION || version > ObjectSpec.VERSION) {
      throw new IOException(
          "not a sockmap4j object: format version "
              + version
              + ", this runtime reads versions "
              + ObjectSpec.OLDEST_VERSION
              + " to "
              + ObjectSpec.VERSION
              + "; rebuild with the matching processor version");
    }
    try {
      String license = data.readUTF();
      List<MapSpec> maps = new ArrayList<>();
      for (int i = data.readUnsignedShort(); i > 0; i--) {
        maps.add(readMap(data));
      }
      List<ProgramSpec> programs = new ArrayList<>();
      for (int i = data.readUnsignedShort(); i > 0; i--) {
        programs.add(readProgram(data, version));
      }
      return new ObjectSpec(license, maps, programs);
    } catch (IllegalArgumentException e) {
      throw new IOException("inconsistent sockmap4j object: " + e.getMessage(), e);
    }
  }

  static void write(ObjectSpec spec, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(ObjectSpec.MAGIC);
    data.writeShort(ObjectSpec.VERSION);
    data.writeUTF(spec.license());
    data.writeShort(spec.maps().size());
    for (MapSpec map : spec.maps()) {
      data.writeUTF(map.name());
      data.writeInt(map.type());
      data.writeInt(map.keySize());
      data.writeInt(map.valueSize());
      data.writeInt(map.maxEntries());
      data.writeInt(map.flags());
    }
    data.writeShort(spec.programs().size());
    for (ProgramSpec program : spec.programs()) {
      writeProgram(data, program);
    }
    data.flush();
  }

  private static MapSpec readMap(DataInputStream data) throws IOException {
    String name = data.readUTF();
    return new MapSpec(
        name, data.readInt(), data.readInt(), data.readInt(), data.readInt(), data.readInt());
  }

  private static ProgramSpec readProgram(DataInputStream data, int version) throws IOException {
    String name = data.readUTF();
    int progType = data.readInt();
    int expectedAttachType = data.readInt();
    int attachType = data.readInt();
    int attachMapIndex = data.readUnsignedShort();
    String sourceFile = data.readUTF();
    int slots = data.readInt();
    if (slots <= 0 || slots > MAX_SLOTS) {
      throw new IOException(
          "inconsistent sockmap4j object: program " + name + " has " + slots + " instructions");
    }
    byte[] insns = new byte[slots * 8];
    data.readFully(insns);
    List<Relocation> relocations = new ArrayList<>();
    for (int i = data.readUnsignedShort(); i > 0; i--) {
      relocations.add(new Relocation(data.readInt(), data.readUnsignedShort()));
    }
    List<String> texts = version >= 2 ? readTexts(data, name, slots) : List.of();
    int lineCount = data.readInt();
    if (lineCount < 0 || lineCount > slots) {
      throw new IOException(
          "inconsistent sockmap4j object: program " + name + " has " + lineCount + " lines");
    }
    List<LineEntry> lines = new ArrayList<>();
    for (int i = 0; i < lineCount; i++) {
      int slot = data.readInt();
      int line = data.readInt();
      int column = data.readInt();
      String text = "";
      if (version >= 2) {
        int index = data.readInt();
        if (index < 0 || index >= texts.size()) {
          throw new IOException(
              "inconsistent sockmap4j object: program "
                  + name
                  + " refers to source text #"
                  + index
                  + " of "
                  + texts.size());
        }
        text = texts.get(index);
      }
      lines.add(new LineEntry(slot, line, column, text));
    }
    return new ProgramSpec(
        name,
        progType,
        expectedAttachType,
        attachType,
        attachMapIndex,
        sourceFile,
        insns,
        relocations,
        lines);
  }

  private static List<String> readTexts(DataInputStream data, String name, int slots)
      throws IOException {
    int count = data.readInt();
    if (count < 0 || count > slots) {
      throw new IOException(
          "inconsistent sockmap4j object: program " + name + " has " + count + " source texts");
    }
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      texts.add(data.readUTF());
    }
    return texts;
  }

  private static void writeProgram(DataOutputStream data, ProgramSpec program) throws IOException {
    data.writeUTF(program.name());
    data.writeInt(program.progType());
    data.writeInt(program.expectedAttachType());
    data.writeInt(program.attachType());
    data.writeShort(program.attachMapIndex());
    data.writeUTF(program.sourceFile());
    data.writeInt(program.slotCount());
    data.write(program.insns());
    data.writeShort(program.relocations().size());
    for (Relocation relocation : program.relocations()) {
      data.writeInt(relocation.slot());
      data.writeShort(relocation.mapIndex());
    }
    Map<String, Integer> textIndex = new LinkedHashMap<>();
    for (LineEntry line : program.lines()) {
      textIndex.putIfAbsent(line.source(), textIndex.size());
    }
    data.writeInt(textIndex.size());
    for (String text : textIndex.keySet()) {
      data.writeUTF(text);
    }
    data.writeInt(program.lines().size());
    for (LineEntry line : program.lines()) {
      data.writeInt(line.slot());
      data.writeInt(line.line());
      data.writeInt(line.column());
      data.writeInt(textIndex.get(line.source()));
    }
  }
}
