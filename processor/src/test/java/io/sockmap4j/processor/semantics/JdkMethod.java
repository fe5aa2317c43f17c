package io.sockmap4j.processor.semantics;

import java.util.ArrayList;
import java.util.List;

/**
 * A JDK method a program may call, as the generator calls it: {@code Owner.name(params)} returning
 * {@code result}. {@link #CANDIDATES} lists more than the compiler supports today; {@link
 * Features#supportedMethods()} keeps those it compiles, so each method joins the test the day the
 * compiler learns it. Methods that throw (a zero divisor, an exact-arithmetic overflow) are
 * expected to make the program fault.
 */
record JdkMethod(String owner, String name, List<JavaType> params, JavaType result) {

  static final List<JdkMethod> CANDIDATES = candidates();

  /**
   * Whether the second argument is a divisor: the compiler rejects a divisor it folds to zero, as
   * it does for {@code /} (Java would throw at run time).
   */
  boolean divides() {
    return name.startsWith("divide")
        || name.startsWith("remainder")
        || name.equals("floorDiv")
        || name.equals("floorMod");
  }

  String call(List<String> args) {
    return owner + "." + name + "(" + String.join(", ", args) + ")";
  }

  @Override
  public String toString() {
    return owner + "." + name + params;
  }

  private static List<JdkMethod> candidates() {
    JavaType i = JavaType.INT;
    JavaType l = JavaType.LONG;
    List<JdkMethod> m = new ArrayList<>();
    for (String name :
        List.of(
            "reverseBytes",
            "reverse",
            "bitCount",
            "numberOfLeadingZeros",
            "numberOfTrailingZeros",
            "highestOneBit",
            "lowestOneBit",
            "signum")) {
      m.add(new JdkMethod("Integer", name, List.of(i), i));
      m.add(
          new JdkMethod(
              "Long",
              name,
              List.of(l),
              name.equals("reverseBytes") || name.equals("reverse") || name.endsWith("OneBit")
                  ? l
                  : i));
    }
    for (String name : List.of("compareUnsigned", "compare")) {
      m.add(new JdkMethod("Integer", name, List.of(i, i), i));
      m.add(new JdkMethod("Long", name, List.of(l, l), i));
    }
    for (String name : List.of("divideUnsigned", "remainderUnsigned", "sum", "min", "max")) {
      m.add(new JdkMethod("Integer", name, List.of(i, i), i));
      m.add(new JdkMethod("Long", name, List.of(l, l), l));
    }
    for (String name : List.of("rotateLeft", "rotateRight")) {
      m.add(new JdkMethod("Integer", name, List.of(i, i), i));
      m.add(new JdkMethod("Long", name, List.of(l, i), l));
    }
    m.add(new JdkMethod("Integer", "toUnsignedLong", List.of(i), l));
    m.add(new JdkMethod("Short", "reverseBytes", List.of(JavaType.SHORT), JavaType.SHORT));
    m.add(new JdkMethod("Short", "toUnsignedInt", List.of(JavaType.SHORT), i));
    m.add(new JdkMethod("Short", "toUnsignedLong", List.of(JavaType.SHORT), l));
    m.add(new JdkMethod("Character", "reverseBytes", List.of(JavaType.CHAR), JavaType.CHAR));
    m.add(new JdkMethod("Byte", "toUnsignedInt", List.of(JavaType.BYTE), i));
    m.add(new JdkMethod("Byte", "toUnsignedLong", List.of(JavaType.BYTE), l));
    for (String name :
        List.of(
            "min", "max", "floorDiv", "floorMod", "addExact", "subtractExact", "multiplyExact")) {
      m.add(new JdkMethod("Math", name, List.of(i, i), i));
      m.add(new JdkMethod("Math", name, List.of(l, l), l));
    }
    for (String name : List.of("abs", "negateExact", "incrementExact", "decrementExact")) {
      m.add(new JdkMethod("Math", name, List.of(i), i));
      m.add(new JdkMethod("Math", name, List.of(l), l));
    }
    m.add(new JdkMethod("Math", "toIntExact", List.of(l), i));
    return List.copyOf(m);
  }
}
