package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.model.MapDecl;
import io.sockmap4j.processor.model.PrimitiveKind;
import io.sockmap4j.processor.model.RecordLayout;
import java.util.List;

/**
 * The static type of an expression in the subset. Bodies are not attributed during annotation
 * processing, so the frontend computes these itself from declarations and the intrinsic tables.
 *
 * <p>Register representation, relied on by every operation: {@code boolean} is 0 or 1; {@code
 * byte}, {@code short}, {@code char} and {@code int} are 32-bit values (sign- or zero-extended to
 * 32 bits as Java promotes them) with the upper half of the register zero; {@code long} uses all 64
 * bits; enums ({@code Verdict}, {@code Direction} and the user's own) are their ordinals.
 *
 * <p>Arrays are fixed-size stack objects: {@link #primitive()} is the element type and {@link
 * #length()} the constant length. They are never held in a register.
 */
record JType(
    Kind kind,
    PrimitiveKind primitive,
    RecordLayout record,
    MapDecl map,
    EnumInfo enumInfo,
    int length) {

  enum Kind {
    PRIMITIVE,
    VERDICT,
    DIRECTION,
    ENUM,
    RECORD,
    ARRAY,
    CONTEXT,
    MAP,
    VOID
  }

  /** A user-declared enum: its name and its constants in ordinal order. */
  record EnumInfo(String qualifiedName, String simpleName, List<String> constants) {
    /** The ordinal of {@code constant}, or -1. */
    int ordinal(String constant) {
      return constants.indexOf(constant);
    }
  }

  private static final EnumInfo VERDICT_INFO =
      new EnumInfo("io.sockmap4j.Verdict", "Verdict", List.of("DROP", "PASS"));
  private static final EnumInfo DIRECTION_INFO =
      new EnumInfo("io.sockmap4j.Direction", "Direction", List.of("EGRESS", "INGRESS"));

  static final JType BOOLEAN = primitive(PrimitiveKind.BOOLEAN);
  static final JType INT = primitive(PrimitiveKind.INT);
  static final JType LONG = primitive(PrimitiveKind.LONG);
  static final JType VERDICT = new JType(Kind.VERDICT, null, null, null, VERDICT_INFO, 0);
  static final JType DIRECTION = new JType(Kind.DIRECTION, null, null, null, DIRECTION_INFO, 0);
  static final JType CONTEXT = new JType(Kind.CONTEXT, null, null, null, null, 0);
  static final JType VOID = new JType(Kind.VOID, null, null, null, null, 0);

  static JType primitive(PrimitiveKind kind) {
    return new JType(Kind.PRIMITIVE, kind, null, null, null, 0);
  }

  static JType record(RecordLayout layout) {
    return new JType(Kind.RECORD, null, layout, null, null, 0);
  }

  static JType map(MapDecl map) {
    return new JType(Kind.MAP, null, null, map, null, 0);
  }

  /** An enum type: {@code Verdict} and {@code Direction} keep their own kinds. */
  static JType enumType(EnumInfo info) {
    if (info.qualifiedName().equals(VERDICT_INFO.qualifiedName())) {
      return VERDICT;
    }
    if (info.qualifiedName().equals(DIRECTION_INFO.qualifiedName())) {
      return DIRECTION;
    }
    return new JType(Kind.ENUM, null, null, null, info, 0);
  }

  static JType array(PrimitiveKind element, int length) {
    return new JType(Kind.ARRAY, element, null, null, null, length);
  }

  boolean isPrimitive(PrimitiveKind kind) {
    return this.kind == Kind.PRIMITIVE && primitive == kind;
  }

  boolean isBoolean() {
    return isPrimitive(PrimitiveKind.BOOLEAN);
  }

  /** Integral primitives: everything but boolean. */
  boolean isNumeric() {
    return kind == Kind.PRIMITIVE && primitive != PrimitiveKind.BOOLEAN;
  }

  boolean isLong() {
    return isPrimitive(PrimitiveKind.LONG);
  }

  /** {@code Verdict}, {@code Direction} or a user enum: a value that is its ordinal. */
  boolean isEnum() {
    return kind == Kind.VERDICT || kind == Kind.DIRECTION || kind == Kind.ENUM;
  }

  /** Values kept in one register as a number: primitives and enums. */
  boolean isScalar() {
    return kind == Kind.PRIMITIVE || isEnum();
  }

  /** The element type of an array. */
  JType element() {
    return primitive(primitive);
  }

  /** Bytes on the stack: a record's size, an array's elements; 8 for a scalar slot. */
  int stackSize() {
    switch (kind) {
      case RECORD:
        return record.size();
      case ARRAY:
        return primitive.size() * length;
      default:
        return 8;
    }
  }

  /** Java's binary numeric promotion: long if either is long, else int. */
  static JType promote(JType a, JType b) {
    return a.isLong() || b.isLong() ? LONG : INT;
  }

  /** Unary numeric promotion: byte, short, char become int. */
  JType promoted() {
    return isLong() ? LONG : INT;
  }

  @Override
  public String toString() {
    switch (kind) {
      case PRIMITIVE:
        return primitive.javaName();
      case VERDICT:
      case DIRECTION:
      case ENUM:
        return enumInfo.simpleName();
      case RECORD:
        return record.simpleName();
      case ARRAY:
        return primitive.javaName() + (length < 0 ? "[]" : "[" + length + "]");
      case CONTEXT:
        return "context";
      case VOID:
        return "void";
      default:
        return "map " + map.name();
    }
  }
}
