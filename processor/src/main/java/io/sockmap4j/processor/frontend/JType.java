package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.model.MapDecl;
import io.sockmap4j.processor.model.PrimitiveKind;
import io.sockmap4j.processor.model.RecordLayout;

/**
 * The static type of an expression in the subset. Bodies are not attributed during annotation
 * processing, so the frontend computes these itself from declarations and the intrinsic tables.
 *
 * <p>Register representation, relied on by every operation: {@code boolean} is 0 or 1; {@code
 * byte}, {@code short}, {@code char} and {@code int} are 32-bit values (sign- or zero-extended to
 * 32 bits as Java promotes them) with the upper half of the register zero; {@code long} uses all 64
 * bits; enums are their ordinals.
 */
record JType(Kind kind, PrimitiveKind primitive, RecordLayout record, MapDecl map) {

  enum Kind {
    PRIMITIVE,
    VERDICT,
    DIRECTION,
    RECORD,
    CONTEXT,
    MAP
  }

  static final JType BOOLEAN = primitive(PrimitiveKind.BOOLEAN);
  static final JType INT = primitive(PrimitiveKind.INT);
  static final JType LONG = primitive(PrimitiveKind.LONG);
  static final JType VERDICT = new JType(Kind.VERDICT, null, null, null);
  static final JType DIRECTION = new JType(Kind.DIRECTION, null, null, null);
  static final JType CONTEXT = new JType(Kind.CONTEXT, null, null, null);

  static JType primitive(PrimitiveKind kind) {
    return new JType(Kind.PRIMITIVE, kind, null, null);
  }

  static JType record(RecordLayout layout) {
    return new JType(Kind.RECORD, null, layout, null);
  }

  static JType map(MapDecl map) {
    return new JType(Kind.MAP, null, null, map);
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

  /** Values kept in one register as a number: primitives and enums. */
  boolean isScalar() {
    return kind == Kind.PRIMITIVE || kind == Kind.VERDICT || kind == Kind.DIRECTION;
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
        return "Verdict";
      case DIRECTION:
        return "Direction";
      case RECORD:
        return record.simpleName();
      case CONTEXT:
        return "context";
      default:
        return "map " + map.name();
    }
  }
}
