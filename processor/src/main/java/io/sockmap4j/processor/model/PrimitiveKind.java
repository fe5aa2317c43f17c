package io.sockmap4j.processor.model;

import javax.lang.model.type.TypeKind;

/**
 * The primitive types of the subset, with their C size (the size of a record component and of a
 * stack slot's meaningful part). {@code byte}, {@code short} and {@code char} values live in
 * registers as ints, exactly as Java promotes them.
 */
public enum PrimitiveKind {
  BOOLEAN(1),
  BYTE(1),
  SHORT(2),
  CHAR(2),
  INT(4),
  LONG(8);

  private final int size;

  PrimitiveKind(int size) {
    this.size = size;
  }

  /** Size in bytes in C layout, which is also the alignment. */
  public int size() {
    return size;
  }

  /** Whether arithmetic on the type uses 64-bit instructions. */
  public boolean isWide() {
    return this == LONG;
  }

  /** The Java keyword. */
  public String javaName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The kind for a javac primitive type kind, or null when the subset lacks it. */
  public static PrimitiveKind of(TypeKind kind) {
    switch (kind) {
      case BOOLEAN:
        return BOOLEAN;
      case BYTE:
        return BYTE;
      case SHORT:
        return SHORT;
      case CHAR:
        return CHAR;
      case INT:
        return INT;
      case LONG:
        return LONG;
      default:
        return null;
    }
  }

  /** The kind for a boxed type's qualified name ({@code java.lang.Long}), or null. */
  public static PrimitiveKind ofBoxed(String qualifiedName) {
    switch (qualifiedName) {
      case "java.lang.Boolean":
        return BOOLEAN;
      case "java.lang.Byte":
        return BYTE;
      case "java.lang.Short":
        return SHORT;
      case "java.lang.Character":
        return CHAR;
      case "java.lang.Integer":
        return INT;
      case "java.lang.Long":
        return LONG;
      default:
        return null;
    }
  }
}
