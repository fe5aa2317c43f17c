package io.sockmap4j.processor.semantics;

/** The primitive types of the sockmap4j subset, with Java's promotion rules. */
enum JavaType {
  BOOLEAN("boolean"),
  BYTE("byte"),
  SHORT("short"),
  CHAR("char"),
  INT("int"),
  LONG("long");

  private final String javaName;

  JavaType(String javaName) {
    this.javaName = javaName;
  }

  boolean isNumeric() {
    return this != BOOLEAN;
  }

  /** byte, short, char and int: the types that promote to int. */
  boolean isIntLike() {
    return isNumeric() && this != LONG;
  }

  /** Unary numeric promotion (JLS 5.6). */
  JavaType promoted() {
    return this == LONG ? LONG : INT;
  }

  /** Binary numeric promotion (JLS 5.6). */
  static JavaType promote(JavaType a, JavaType b) {
    return a == LONG || b == LONG ? LONG : INT;
  }

  /** Whether the int {@code value} is representable in this type (JLS 15.25 uses it). */
  boolean represents(long value) {
    switch (this) {
      case BYTE:
        return value == (byte) value;
      case SHORT:
        return value == (short) value;
      case CHAR:
        return value == (char) value;
      case INT:
        return value == (int) value;
      default:
        return this == LONG;
    }
  }

  @Override
  public String toString() {
    return javaName;
  }
}
