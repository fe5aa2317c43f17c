package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.model.PrimitiveKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The JDK methods programs can call, compiled inline with the JDK's exact results ({@link
 * IntrinsicCompiler} emits them; with constant arguments they are folded by calling the JDK method
 * itself). A {@code null} parameter kind means "int or long": {@code Math.min}, {@code max} and
 * {@code abs} work on the promoted type of their arguments, as Java's overloads do.
 */
enum Intrinsic {
  INTEGER_TO_UNSIGNED_LONG("Integer", "toUnsignedLong", PrimitiveKind.LONG, PrimitiveKind.INT),
  INTEGER_COMPARE_UNSIGNED(
      "Integer", "compareUnsigned", PrimitiveKind.INT, PrimitiveKind.INT, PrimitiveKind.INT),
  INTEGER_DIVIDE_UNSIGNED(
      "Integer", "divideUnsigned", PrimitiveKind.INT, PrimitiveKind.INT, PrimitiveKind.INT),
  INTEGER_REMAINDER_UNSIGNED(
      "Integer", "remainderUnsigned", PrimitiveKind.INT, PrimitiveKind.INT, PrimitiveKind.INT),
  INTEGER_REVERSE_BYTES("Integer", "reverseBytes", PrimitiveKind.INT, PrimitiveKind.INT),
  INTEGER_ROTATE_LEFT(
      "Integer", "rotateLeft", PrimitiveKind.INT, PrimitiveKind.INT, PrimitiveKind.INT),
  INTEGER_ROTATE_RIGHT(
      "Integer", "rotateRight", PrimitiveKind.INT, PrimitiveKind.INT, PrimitiveKind.INT),
  LONG_COMPARE_UNSIGNED(
      "Long", "compareUnsigned", PrimitiveKind.INT, PrimitiveKind.LONG, PrimitiveKind.LONG),
  LONG_DIVIDE_UNSIGNED(
      "Long", "divideUnsigned", PrimitiveKind.LONG, PrimitiveKind.LONG, PrimitiveKind.LONG),
  LONG_REMAINDER_UNSIGNED(
      "Long", "remainderUnsigned", PrimitiveKind.LONG, PrimitiveKind.LONG, PrimitiveKind.LONG),
  LONG_REVERSE_BYTES("Long", "reverseBytes", PrimitiveKind.LONG, PrimitiveKind.LONG),
  LONG_ROTATE_LEFT("Long", "rotateLeft", PrimitiveKind.LONG, PrimitiveKind.LONG, PrimitiveKind.INT),
  LONG_ROTATE_RIGHT(
      "Long", "rotateRight", PrimitiveKind.LONG, PrimitiveKind.LONG, PrimitiveKind.INT),
  SHORT_REVERSE_BYTES("Short", "reverseBytes", PrimitiveKind.SHORT, PrimitiveKind.SHORT),
  SHORT_TO_UNSIGNED_INT("Short", "toUnsignedInt", PrimitiveKind.INT, PrimitiveKind.SHORT),
  SHORT_TO_UNSIGNED_LONG("Short", "toUnsignedLong", PrimitiveKind.LONG, PrimitiveKind.SHORT),
  CHARACTER_REVERSE_BYTES("Character", "reverseBytes", PrimitiveKind.CHAR, PrimitiveKind.CHAR),
  BYTE_TO_UNSIGNED_INT("Byte", "toUnsignedInt", PrimitiveKind.INT, PrimitiveKind.BYTE),
  BYTE_TO_UNSIGNED_LONG("Byte", "toUnsignedLong", PrimitiveKind.LONG, PrimitiveKind.BYTE),
  MATH_MIN("Math", "min", null, null, null),
  MATH_MAX("Math", "max", null, null, null),
  MATH_ABS("Math", "abs", null, (PrimitiveKind) null);

  private final String owner;
  private final String method;
  private final PrimitiveKind result;
  private final List<PrimitiveKind> params;

  Intrinsic(String owner, String method, PrimitiveKind result, PrimitiveKind... params) {
    this.owner = owner;
    this.method = method;
    this.result = result;
    this.params = Arrays.asList(params);
  }

  /** The intrinsic {@code method} of the JDK class {@code qualifiedOwner}, if there is one. */
  static Optional<Intrinsic> lookup(String qualifiedOwner, String method) {
    for (Intrinsic i : values()) {
      if (qualifiedOwner.equals("java.lang." + i.owner) && method.equals(i.method)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code qualifiedName} is a JDK class with intrinsics. */
  static boolean isIntrinsicOwner(String qualifiedName) {
    return Arrays.stream(values()).anyMatch(i -> qualifiedName.equals("java.lang." + i.owner));
  }

  /** The methods of {@code qualifiedOwner} that programs can call, for messages. */
  static String namesOf(String qualifiedOwner) {
    List<String> names = new ArrayList<>();
    for (Intrinsic i : values()) {
      if (qualifiedOwner.equals("java.lang." + i.owner) && !names.contains(i.method)) {
        names.add(i.method);
      }
    }
    return String.join(", ", names);
  }

  /** {@code Integer.reverseBytes}, as in messages. */
  String javaName() {
    return owner + "." + method;
  }

  int arity() {
    return params.size();
  }

  /** The type the operation works in: the declared parameter, or the promoted argument types. */
  JType operandType(int index, List<JType> argTypes) {
    PrimitiveKind declared = params.get(index);
    return declared != null ? JType.primitive(declared) : polyType(argTypes);
  }

  JType resultType(List<JType> argTypes) {
    return result != null ? JType.primitive(result) : polyType(argTypes);
  }

  private static JType polyType(List<JType> argTypes) {
    return argTypes.stream().anyMatch(JType::isLong) ? JType.LONG : JType.INT;
  }

  /** Whether the operation divides by its second argument. */
  boolean divides() {
    return this == INTEGER_DIVIDE_UNSIGNED
        || this == INTEGER_REMAINDER_UNSIGNED
        || this == LONG_DIVIDE_UNSIGNED
        || this == LONG_REMAINDER_UNSIGNED;
  }

  /**
   * The JDK's own result for constant arguments (already converted to the parameter types), or
   * empty where the JDK would throw (a zero divisor, reported when the call is compiled).
   */
  Optional<Long> fold(JType type, long[] a) {
    if (divides() && a[1] == 0) {
      return Optional.empty();
    }
    int x = (int) a[0];
    int y = a.length > 1 ? (int) a[1] : 0;
    switch (this) {
      case INTEGER_TO_UNSIGNED_LONG:
        return Optional.of(Integer.toUnsignedLong(x));
      case INTEGER_COMPARE_UNSIGNED:
        return Optional.of((long) Integer.compareUnsigned(x, y));
      case INTEGER_DIVIDE_UNSIGNED:
        return Optional.of((long) Integer.divideUnsigned(x, y));
      case INTEGER_REMAINDER_UNSIGNED:
        return Optional.of((long) Integer.remainderUnsigned(x, y));
      case INTEGER_REVERSE_BYTES:
        return Optional.of((long) Integer.reverseBytes(x));
      case INTEGER_ROTATE_LEFT:
        return Optional.of((long) Integer.rotateLeft(x, y));
      case INTEGER_ROTATE_RIGHT:
        return Optional.of((long) Integer.rotateRight(x, y));
      case LONG_COMPARE_UNSIGNED:
        return Optional.of((long) Long.compareUnsigned(a[0], a[1]));
      case LONG_DIVIDE_UNSIGNED:
        return Optional.of(Long.divideUnsigned(a[0], a[1]));
      case LONG_REMAINDER_UNSIGNED:
        return Optional.of(Long.remainderUnsigned(a[0], a[1]));
      case LONG_REVERSE_BYTES:
        return Optional.of(Long.reverseBytes(a[0]));
      case LONG_ROTATE_LEFT:
        return Optional.of(Long.rotateLeft(a[0], y));
      case LONG_ROTATE_RIGHT:
        return Optional.of(Long.rotateRight(a[0], y));
      case SHORT_REVERSE_BYTES:
        return Optional.of((long) Short.reverseBytes((short) x));
      case SHORT_TO_UNSIGNED_INT:
        return Optional.of((long) Short.toUnsignedInt((short) x));
      case SHORT_TO_UNSIGNED_LONG:
        return Optional.of(Short.toUnsignedLong((short) x));
      case CHARACTER_REVERSE_BYTES:
        return Optional.of((long) Character.reverseBytes((char) x));
      case BYTE_TO_UNSIGNED_INT:
        return Optional.of((long) Byte.toUnsignedInt((byte) x));
      case BYTE_TO_UNSIGNED_LONG:
        return Optional.of(Byte.toUnsignedLong((byte) x));
      case MATH_MIN:
        return Optional.of(type.isLong() ? Math.min(a[0], a[1]) : Math.min(x, y));
      case MATH_MAX:
        return Optional.of(type.isLong() ? Math.max(a[0], a[1]) : Math.max(x, y));
      case MATH_ABS:
        return Optional.of(type.isLong() ? Math.abs(a[0]) : Math.abs(x));
      default:
        throw new IllegalStateException(name());
    }
  }
}
