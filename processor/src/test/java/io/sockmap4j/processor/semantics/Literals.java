package io.sockmap4j.processor.semantics;

import io.sockmap4j.processor.semantics.Expr.Lit;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The values programs compute with: literals and inputs drawn mostly from the edges where widths,
 * signs and shift masks matter (0, 1, -1, the extremes of each type, 31, 32, 63, 64, bit patterns),
 * then small and arbitrary values; and the {@code static final} constants every generated class
 * declares.
 */
final class Literals {

  /** The {@code static final} constants of every generated class, edge values of each type. */
  static final List<Expr.Named> CONSTANTS =
      List.of(
          new Expr.Named("KB", JavaType.BYTE, Byte.MIN_VALUE),
          new Expr.Named("KB2", JavaType.BYTE, Byte.MAX_VALUE),
          new Expr.Named("KS", JavaType.SHORT, Short.MIN_VALUE),
          new Expr.Named("KC", JavaType.CHAR, Character.MAX_VALUE),
          new Expr.Named("KC2", JavaType.CHAR, 'A'),
          new Expr.Named("KI", JavaType.INT, Integer.MIN_VALUE),
          new Expr.Named("KI2", JavaType.INT, 33),
          new Expr.Named("KL", JavaType.LONG, Long.MIN_VALUE),
          new Expr.Named("KL2", JavaType.LONG, 0xFFFF_FFFFL),
          new Expr.Named("KT", JavaType.BOOLEAN, 1));

  /** The declarations every generated class starts with: the constants and the records. */
  static String declarations() {
    StringBuilder s = new StringBuilder();
    for (Expr.Named k : CONSTANTS) {
      String value =
          k.type() == JavaType.BOOLEAN
              ? (k.value() != 0 ? "true" : "false")
              : "("
                  + k.type()
                  + ") "
                  + new Lit(k.type() == JavaType.LONG ? JavaType.LONG : JavaType.INT, k.value())
                      .java();
      s.append("  static final ")
          .append(k.type())
          .append(' ')
          .append(k.name())
          .append(" = ")
          .append(value)
          .append(";\n");
    }
    for (RecordType r : RecordType.values()) {
      s.append("\n  ").append(r.declaration()).append('\n');
    }
    return s.toString();
  }

  private static final long[] INT_EDGES = {
    0,
    1,
    -1,
    2,
    3,
    7,
    -7,
    31,
    32,
    33,
    63,
    64,
    65,
    -31,
    -32,
    -33,
    127,
    128,
    -128,
    -129,
    255,
    256,
    32767,
    32768,
    -32768,
    -32769,
    65535,
    65536,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE + 1,
    Integer.MAX_VALUE - 1,
    0x5555_5555,
    0xAAAA_AAAA,
    0x0F0F_0F0F,
    0x8000
  };

  private static final long[] LONG_EDGES = {
    0,
    1,
    -1,
    2,
    7,
    -7,
    31,
    32,
    33,
    63,
    64,
    65,
    -64,
    Long.MIN_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE + 1,
    0xFFFF_FFFFL,
    0x8000_0000L,
    0x7FFF_FFFFL,
    0x1_0000_0000L,
    -0x8000_0000L,
    -0x8000_0001L,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE,
    0x5555_5555_5555_5555L,
    0xAAAA_AAAA_AAAA_AAAAL,
    0x0000_FFFF_0000_FFFFL,
    0xFFFF_FFFF_0000_0000L
  };

  private Literals() {}

  static Arbitrary<Long> intValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(box(INT_EDGES))),
        Tuple.of(3, Arbitraries.integers().between(-300, 300).map(i -> (long) i)),
        Tuple.of(2, Arbitraries.integers().map(i -> (long) i)));
  }

  static Arbitrary<Long> longValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(box(LONG_EDGES))),
        Tuple.of(2, Arbitraries.integers().between(-300, 300).map(i -> (long) i)),
        Tuple.of(1, Arbitraries.integers().map(i -> (long) i)),
        Tuple.of(3, Arbitraries.longs()));
  }

  /** Input vectors drawn from the edge values and at random. */
  static Arbitrary<Inputs> inputs() {
    return Combinators.combine(
            longValues(),
            longValues(),
            intValues().map(Long::intValue),
            intValues().map(Long::intValue))
        .as(Inputs::new);
  }

  private static Long[] box(long[] values) {
    Long[] boxed = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  static Arbitrary<Expr> intLiteral() {
    return intValues().map(v -> new Lit(JavaType.INT, v));
  }

  static Arbitrary<Expr> longLiteral() {
    return longValues().map(v -> new Lit(JavaType.LONG, v));
  }

  static Arbitrary<Expr> charLiteral() {
    return Arbitraries.of('a', 'Z', '0', '~', ' ').map(c -> new Lit(JavaType.CHAR, c));
  }

  static Arbitrary<Expr> nonZero(Arbitrary<Expr> literals) {
    return literals.filter(e -> ((Lit) e).value() != 0);
  }

  /** An int literal that fits {@code type}, which a conditional then types as {@code type}. */
  static Arbitrary<Expr> representable(JavaType type) {
    return intValues().filter(type::represents).map(v -> new Lit(JavaType.INT, v));
  }
}
