package io.sockmap4j.processor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A record of primitives laid out as a C struct: each component at the next offset aligned to its
 * own size, the total rounded up to the largest alignment. Programs build it on the stack, the
 * generated Loader encodes it in the same layout (machine byte order, padding zeroed), so a key
 * written from Java matches the bytes the kernel hashes.
 *
 * <pre>
 *   record Tuple(int a, long b, short c)   offset: 0 a a a a . . . . 8 b b b b b b b b 16 c c . . . . . .
 *                                           size 24, alignment 8, padding at 4..7 and 18..23
 * </pre>
 *
 * @param qualifiedName the record's canonical name, for the generated codec
 * @param fields components in declaration order with their offsets
 * @param size sizeof the struct, the map's key_size
 * @param alignment the largest component size
 */
public record RecordLayout(String qualifiedName, List<Field> fields, int size, int alignment) {

  /** One component. */
  public record Field(String name, PrimitiveKind kind, int offset) {}

  /** Lays out components of the given kinds in order. */
  public static RecordLayout of(
      String qualifiedName, List<String> names, List<PrimitiveKind> kinds) {
    List<Field> fields = new ArrayList<>();
    int offset = 0;
    int alignment = 1;
    for (int i = 0; i < names.size(); i++) {
      int size = kinds.get(i).size();
      offset = alignUp(offset, size);
      fields.add(new Field(names.get(i), kinds.get(i), offset));
      offset += size;
      alignment = Math.max(alignment, size);
    }
    return new RecordLayout(
        qualifiedName, List.copyOf(fields), alignUp(offset, alignment), alignment);
  }

  /** Whether some bytes belong to no component (they must be zeroed before use as a key). */
  public boolean hasPadding() {
    int used = 0;
    for (Field f : fields) {
      used += f.kind().size();
    }
    return used != size;
  }

  /** The component named {@code name}. */
  public Optional<Field> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** The simple name of the record. */
  public String simpleName() {
    return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
  }

  static int alignUp(int value, int alignment) {
    return (value + alignment - 1) / alignment * alignment;
  }
}
